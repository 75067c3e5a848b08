//! CSV as staff open it in Excel: the one writer every CSV export uses (results, audit,
//! proctoring report, question banks) and the undoing of its formula defusing for the bank CSV
//! reader, so an exported bank reads back as it was.

use std::borrow::Cow;

/// What a cell may start with for Excel (and LibreOffice) to run it as a formula.
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Whether a cell, leading apostrophes aside, starts like a formula.
fn formula_like(cell: &str) -> bool {
    cell.trim_start_matches('\'').starts_with(FORMULA_START)
}

/// A cell's text made safe: one that Excel would run as a formula gets a leading apostrophe.
/// So that [`undefuse`] gives back exactly the original, a text that already starts with
/// apostrophes before such a character gets one more.
pub fn defuse(cell: &str) -> Cow<'_, str> {
    if formula_like(cell) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// The text [`defuse`] was given: one leading apostrophe before a formula-like start is
/// dropped. A keeper's own `'=…` (Excel's way to type a text that starts with `=`) reads as
/// `=…` too.
pub fn undefuse(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if formula_like(rest) => rest,
        _ => cell,
    }
}

/// A CSV file for Excel: UTF-8 with a byte-order mark (so Excel on Chinese Windows reads it),
/// CRLF line ends, every cell passed through [`defuse`].
pub struct CsvWriter {
    inner: csv::Writer<Vec<u8>>,
}

impl Default for CsvWriter {
    fn default() -> Self {
        Self::new()
    }
}

impl CsvWriter {
    /// An empty file (just the byte-order mark).
    pub fn new() -> CsvWriter {
        CsvWriter {
            inner: csv::WriterBuilder::new()
                .terminator(csv::Terminator::CRLF)
                .from_writer(vec![0xEF, 0xBB, 0xBF]),
        }
    }

    /// Writes one row.
    pub fn row<I, S>(&mut self, cells: I) -> Result<(), csv::Error>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.inner
            .write_record(cells.into_iter().map(|c| defuse(c.as_ref()).into_owned()))
    }

    /// The file's bytes.
    pub fn finish(self) -> Result<Vec<u8>, csv::Error> {
        self.inner
            .into_inner()
            .map_err(|e| csv::Error::from(e.into_error()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_that_excel_would_run_as_formulas_are_defused() {
        assert_eq!(defuse("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(defuse("+86 138"), "'+86 138");
        assert_eq!(defuse("-1"), "'-1");
        assert_eq!(defuse("@SUM"), "'@SUM");
        assert_eq!(defuse("\t=1"), "'\t=1");
        assert_eq!(defuse("张三"), "张三");
        assert_eq!(defuse("'quoted"), "'quoted");
    }

    #[test]
    fn undefusing_gives_back_exactly_what_was_defused() {
        for original in [
            "=1+1",
            "-5℃",
            "@x",
            "+86",
            "'=already",
            "''-two",
            "'plain",
            "'",
            "",
            "张三",
            "a=b",
        ] {
            assert_eq!(undefuse(&defuse(original)), original, "{original:?}");
        }
    }

    #[test]
    fn the_writer_defuses_every_cell_and_writes_a_bom_and_crlf() {
        let mut w = CsvWriter::new();
        w.row(["姓名", "备注"]).unwrap();
        w.row(["=cmd|' /C calc'!A0", "ok"]).unwrap();
        let text = String::from_utf8(w.finish().unwrap()).unwrap();
        assert_eq!(text, "\u{feff}姓名,备注\r\n'=cmd|' /C calc'!A0,ok\r\n");
    }
}
