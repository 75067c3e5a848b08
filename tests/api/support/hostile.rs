//! Generators of hostile import files, small in the tests (tests/api/imports.rs) and full size in
//! the figures bench (benches/hostile_imports.rs, which also builds its GIFT stem of tens of
//! megabytes): an XML entity bomb, an XLSX whose one shared string unpacks to far more than the
//! file, a QTI package with huge stems.

/// A QTI item whose DOCTYPE declares one entity of `size` bytes used `uses` times in its stem.
pub fn qti_entity_bomb(size: usize, uses: usize) -> Vec<u8> {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE assessmentItem [<!ENTITY big "{}">]>
<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="BOMB" title="bomb" adaptive="false" timeDependent="false">
<responseDeclaration identifier="RESPONSE" cardinality="single" baseType="identifier"><correctResponse><value>A</value></correctResponse></responseDeclaration>
<itemBody><choiceInteraction responseIdentifier="RESPONSE" maxChoices="1"><prompt>{}</prompt>
<simpleChoice identifier="A">甲</simpleChoice><simpleChoice identifier="B">乙</simpleChoice></choiceInteraction></itemBody>
</assessmentItem>"#,
        "x".repeat(size),
        "&big;".repeat(uses)
    )
    .into_bytes()
}

/// A QTI single-choice item with the given stem (and an optional DOCTYPE line).
pub fn qti_item(id: &str, stem: &str, doctype: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>{doctype}
<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="{id}" title="{id}" adaptive="false" timeDependent="false">
<responseDeclaration identifier="RESPONSE" cardinality="single" baseType="identifier"><correctResponse><value>A</value></correctResponse></responseDeclaration>
<itemBody><choiceInteraction responseIdentifier="RESPONSE" maxChoices="1"><prompt>{stem}</prompt>
<simpleChoice identifier="A">甲</simpleChoice><simpleChoice identifier="B">乙</simpleChoice></choiceInteraction></itemBody>
</assessmentItem>"#
    )
}

/// A ZIP with the given files, deflated.
pub fn zip_of(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    use std::io::Write;
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in files {
        z.start_file(name.as_str(), opts).unwrap();
        z.write_all(data).unwrap();
    }
    z.finish().unwrap().into_inner()
}

/// A QTI content package of items (identifier, stem) with a manifest listing them.
pub fn qti_package(items: &[(&str, String)]) -> Vec<u8> {
    let resources: String = items
        .iter()
        .map(|(id, _)| {
            format!(
                r#"<resource identifier="R{id}" type="imsqti_item_xmlv2p1" href="items/{id}.xml"><file href="items/{id}.xml"/></resource>"#
            )
        })
        .collect();
    let mut files = vec![(
        "imsmanifest.xml".to_string(),
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><manifest xmlns="http://www.imsglobal.org/xsd/imscp_v1p1" identifier="M"><organizations/><resources>{resources}</resources></manifest>"#
        )
        .into_bytes(),
    )];
    for (id, stem) in items {
        files.push((
            format!("items/{id}.xml"),
            qti_item(id, stem, "").into_bytes(),
        ));
    }
    zip_of(&files)
}

/// An XLSX workbook whose shared string `text` (one cell under the bank headers, or under the
/// roster headers) is built by Excel's own layout, with the string swapped in afterwards
/// (spreadsheet writers refuse strings longer than Excel allows).
pub fn xlsx_with_shared_string(headers: &[&str], row: &[&str], text: &str) -> Vec<u8> {
    use std::io::Read;
    const MARK: &str = "SWAP-ME-FOR-THE-LONG-TEXT";
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_row(0, 0, headers.iter().copied()).unwrap();
    let cells: Vec<&str> = row
        .iter()
        .map(|c| if *c == "{}" { MARK } else { c })
        .collect();
    ws.write_row(1, 0, cells).unwrap();
    let bytes = wb.save_to_buffer().unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut files = Vec::new();
    for i in 0..archive.len() {
        let mut f = archive.by_index(i).unwrap();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        let name = f.name().to_string();
        if name.ends_with("sharedStrings.xml") {
            data = String::from_utf8(data)
                .unwrap()
                .replace(MARK, text)
                .into_bytes();
        }
        files.push((name, data));
    }
    zip_of(&files)
}
