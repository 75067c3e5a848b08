use super::*;
use crate::bank::model::{Key, QuestionKind};
use std::io::Write;

fn zip(files: &[(&str, String)]) -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut buf);
        for (name, text) in files {
            z.start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            z.write_all(text.as_bytes()).unwrap();
        }
        z.finish().unwrap();
    }
    buf.into_inner()
}

const NS: &str = "xmlns=\"http://www.imsglobal.org/xsd/imsqti_v2p1\"";

#[test]
fn a_section_that_refers_to_itself_is_reported_not_followed_forever() {
    let test = format!(
        r#"<assessmentTest {NS} identifier="t" title="t"><testPart identifier="p"><assessmentSectionRef identifier="s" href="s.xml"/></testPart></assessmentTest>"#
    );
    let section = format!(
        r#"<assessmentSection {NS} identifier="s" title="x"><assessmentSectionRef identifier="s" href="s.xml"/></assessmentSection>"#
    );
    let f = read(&zip(&[("test.xml", test), ("s.xml", section)])).unwrap();
    assert!(
        f.items
            .iter()
            .any(|i| matches!(&i.result, Err(s) if s.code == "circular_reference"))
    );
}

#[test]
fn a_deeply_nested_item_body_is_skipped_not_recursed_into() {
    let open = "<div>".repeat(5000);
    let close = "</div>".repeat(5000);
    let item = format!(
        r#"<assessmentItem {NS} identifier="deep" title="d"><responseDeclaration identifier="R" cardinality="single" baseType="string"><correctResponse><value>a</value></correctResponse></responseDeclaration><itemBody>{open}<textEntryInteraction responseIdentifier="R"/>{close}</itemBody></assessmentItem>"#
    );
    let f = read(item.as_bytes()).unwrap();
    assert_eq!(
        f.items[0].result.as_ref().unwrap_err().code,
        "too_deeply_nested"
    );
}

#[test]
fn two_choices_named_x_and_y_stay_a_single_choice() {
    let item = format!(
        r#"<assessmentItem {NS} identifier="xy" title="xy"><responseDeclaration identifier="R" cardinality="single" baseType="identifier"><correctResponse><value>A</value></correctResponse></responseDeclaration><itemBody><choiceInteraction responseIdentifier="R" maxChoices="1"><prompt>Which axis is horizontal?</prompt><simpleChoice identifier="A">x</simpleChoice><simpleChoice identifier="B">y</simpleChoice></choiceInteraction></itemBody></assessmentItem>"#
    );
    let f = read(item.as_bytes()).unwrap();
    let b = f.items[0].result.as_ref().unwrap();
    assert_eq!(b.kind, QuestionKind::Single);
    assert_eq!(b.key, Key::Choice { correct: vec![0] });
}

#[test]
fn partial_credit_in_a_mapping_does_not_make_an_option_correct() {
    let item = format!(
        r#"<assessmentItem {NS} identifier="m" title="m"><responseDeclaration identifier="R" cardinality="multiple" baseType="identifier"><correctResponse><value>A</value><value>C</value></correctResponse><mapping><mapEntry mapKey="A" mappedValue="1"/><mapEntry mapKey="B" mappedValue="0.5"/><mapEntry mapKey="C" mappedValue="1"/></mapping></responseDeclaration><itemBody><choiceInteraction responseIdentifier="R" maxChoices="0"><simpleChoice identifier="A">a</simpleChoice><simpleChoice identifier="B">b</simpleChoice><simpleChoice identifier="C">c</simpleChoice></choiceInteraction></itemBody></assessmentItem>"#
    );
    let f = read(item.as_bytes()).unwrap();
    assert_eq!(
        f.items[0].result.as_ref().unwrap().key,
        Key::Choice {
            correct: vec![0, 2]
        }
    );
}
