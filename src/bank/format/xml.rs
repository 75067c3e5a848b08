//! Parsing the XML formats (Moodle XML, QTI) with the same guards.

use super::FormatError;
use crate::error::ErrorCode;
use roxmltree::{Document, ParsingOptions};

/// Most nodes (elements, texts, comments) one XML file may have. Each costs the tree about a
/// hundred bytes, so 64 MiB of `<a/>` would be 16 million nodes and well over a gigabyte; two
/// million is a 60,000-question Moodle file and stays under 200 MB.
pub(crate) const MAX_NODES: u32 = 2_000_000;

/// Parses an XML text. A DOCTYPE is accepted (some QTI tools write one) but not one that
/// declares entities: the parser expands entities without a bound on the result, so a 116 KB
/// file with one 100 KB entity used 5,000 times would take gigabytes.
pub(crate) fn parse(text: &str) -> Result<Document<'_>, FormatError> {
    // `<!ENTITY` is the only way to declare an entity, general or parameter; without it a
    // DTD is harmless (external subsets are never fetched).
    let declares_entities = text.contains("<!ENTITY");
    let opts = ParsingOptions {
        allow_dtd: !declares_entities,
        nodes_limit: MAX_NODES,
        ..ParsingOptions::default()
    };
    Document::parse_with_options(text, opts).map_err(|e| match e {
        roxmltree::Error::DtdDetected => FormatError::new(
            ErrorCode::XmlEntitiesRefused,
            "文件的 DOCTYPE 声明了实体（<!ENTITY>），出于安全原因不予导入；请删除 DOCTYPE 后再导入",
            "the file's DOCTYPE declares entities, which are refused for safety; remove the \
             DOCTYPE and import again",
        ),
        roxmltree::Error::NodesLimitReached => FormatError::new(
            ErrorCode::FileTooLargeUnpacked,
            format!("文件的 XML 节点超过 {MAX_NODES} 个，不予导入；请分成几个文件"),
            format!("the file has more than {MAX_NODES} XML nodes; split it into several files"),
        ),
        e => FormatError::new(
            ErrorCode::MalformedXml,
            format!("第 {} 行的 XML 格式有误", e.pos().row),
            format!("malformed XML at line {}: {e}", e.pos().row),
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_of_millions_of_tiny_elements_is_refused_before_the_tree_grows() {
        let text = format!("<quiz>{}</quiz>", "<a/>".repeat(MAX_NODES as usize + 10));
        assert_eq!(
            parse(&text).unwrap_err().code,
            ErrorCode::FileTooLargeUnpacked
        );
        let fine = format!("<quiz>{}</quiz>", "<a/>".repeat(1000));
        assert!(parse(&fine).is_ok());
    }

    #[test]
    fn a_plain_doctype_is_read_and_one_declaring_entities_is_refused() {
        let plain = "<!DOCTYPE quiz SYSTEM \"quiz.dtd\"><quiz><a>x &amp; y</a></quiz>";
        assert_eq!(
            parse(plain).unwrap().root_element().tag_name().name(),
            "quiz"
        );
        let bomb = "<!DOCTYPE q [<!ENTITY a \"aaaa\"><!ENTITY b \"&a;&a;\">]><q>&b;</q>";
        assert_eq!(parse(bomb).unwrap_err().code, ErrorCode::XmlEntitiesRefused);
        let param = "<!DOCTYPE q [<!ENTITY % p \"x\">]><q/>";
        assert_eq!(
            parse(param).unwrap_err().code,
            ErrorCode::XmlEntitiesRefused
        );
        assert_eq!(parse("<q>").unwrap_err().code, ErrorCode::MalformedXml);
    }
}
