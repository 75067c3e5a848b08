//! Parsing the XML formats (Moodle XML, QTI) with the same guards.

use super::FormatError;
use roxmltree::{Document, ParsingOptions};

/// Parses an XML text. A DOCTYPE is accepted (some QTI tools write one) but not one that
/// declares entities: the parser expands entities without a bound on the result, so a 116 KB
/// file with one 100 KB entity used 5,000 times would take gigabytes.
pub(crate) fn parse(text: &str) -> Result<Document<'_>, FormatError> {
    // `<!ENTITY` is the only way to declare an entity, general or parameter; without it a
    // DTD is harmless (external subsets are never fetched).
    let declares_entities = text.contains("<!ENTITY");
    let opts = ParsingOptions {
        allow_dtd: !declares_entities,
        ..ParsingOptions::default()
    };
    Document::parse_with_options(text, opts).map_err(|e| match e {
        roxmltree::Error::DtdDetected => FormatError::new(
            "xml_entities_refused",
            "文件的 DOCTYPE 声明了实体（<!ENTITY>），出于安全原因不予导入；请删除 DOCTYPE 后再导入 \
             (the file's DOCTYPE declares entities, which are refused for safety; remove the \
             DOCTYPE and import again)",
        ),
        e => FormatError::new(
            "malformed_xml",
            format!("malformed XML at line {}: {e}", e.pos().row),
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_doctype_is_read_and_one_declaring_entities_is_refused() {
        let plain = "<!DOCTYPE quiz SYSTEM \"quiz.dtd\"><quiz><a>x &amp; y</a></quiz>";
        assert_eq!(
            parse(plain).unwrap().root_element().tag_name().name(),
            "quiz"
        );
        let bomb = "<!DOCTYPE q [<!ENTITY a \"aaaa\"><!ENTITY b \"&a;&a;\">]><q>&b;</q>";
        assert_eq!(parse(bomb).unwrap_err().code, "xml_entities_refused");
        let param = "<!DOCTYPE q [<!ENTITY % p \"x\">]><q/>";
        assert_eq!(parse(param).unwrap_err().code, "xml_entities_refused");
        assert_eq!(parse("<q>").unwrap_err().code, "malformed_xml");
    }
}
