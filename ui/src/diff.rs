//! Line diffs for the drift review, in two layouts: unified (the removed lines, then the lines
//! replacing them) and split (live on the left, after sync on the right, a replacement paired
//! in one row). Paired lines carry word-level emphasis, unchanged runs longer than the context
//! fold into one row, and the rows are shown a page at a time. Every step is linear in the
//! lines: a large CRD's diff must not stall the window.

use similar::{Algorithm, ChangeTag, DiffTag, TextDiff, capture_diff_slices};
use std::ops::Range;

/// Unchanged lines kept visible on each side of a change.
pub const CONTEXT: usize = 3;

/// Rows rendered at once; each "Show more" adds as many again. Thousands of DOM rows at once
/// freeze the webview for seconds.
pub const PAGE: usize = 400;

/// Longer lines (bytes) are shown changed without word emphasis, so the word diff costs at
/// most a constant per line. Such lines are mostly a `last-applied-configuration` annotation
/// or base64 data, where word highlights would not help anyway.
const MAX_WORD_DIFF: usize = 2_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    Unified,
    Split,
}

impl Layout {
    pub const ALL: [Layout; 2] = [Layout::Unified, Layout::Split];

    pub fn id(self) -> &'static str {
        match self {
            Layout::Unified => "unified",
            Layout::Split => "split",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Layout::Unified => "Unified",
            Layout::Split => "Side by side",
        }
    }

    pub fn from_id(id: &str) -> Option<Layout> {
        Layout::ALL.into_iter().find(|l| l.id() == id)
    }
}

/// A stretch of a changed line, emphasised where it differs from the line it is paired with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub text: String,
    pub emphasised: bool,
}

/// A removed or added line: its 1-based number on its own side and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub number: usize,
    pub spans: Vec<Span>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Row {
    /// The same in live and desired; 1-based line numbers on each side.
    Same {
        live: usize,
        desired: usize,
        text: String,
    },
    /// Unified: only live has it, a sync removes it.
    Removed(Line),
    /// Unified: only desired has it, a sync adds it.
    Added(Line),
    /// Split: a line a sync removes, the line it adds in its place, or both.
    Changed {
        live: Option<Line>,
        desired: Option<Line>,
    },
    /// Unchanged rows folded away; expanding shows them.
    Folded(Vec<Row>),
}

/// A diff from live to desired, computed once and laid out in either layout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diff {
    hunks: Vec<Hunk>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Hunk {
    Same {
        live: usize,
        desired: usize,
        text: String,
    },
    /// Consecutive changed lines; the n-th removed line is paired with the n-th added one.
    Replace {
        removed: Vec<Line>,
        added: Vec<Line>,
    },
}

impl Diff {
    pub fn new(live: &str, desired: &str) -> Diff {
        let diff = TextDiff::from_lines(live, desired);
        let mut hunks = Vec::new();
        let (mut removed, mut added) = (Vec::new(), Vec::new());
        let number = |index: Option<usize>| index.unwrap_or(0) + 1;
        for change in diff.iter_all_changes() {
            let text = change.value().trim_end_matches('\n');
            match change.tag() {
                ChangeTag::Equal => {
                    flush(&mut removed, &mut added, &mut hunks);
                    hunks.push(Hunk::Same {
                        live: number(change.old_index()),
                        desired: number(change.new_index()),
                        text: text.to_string(),
                    });
                }
                ChangeTag::Delete => removed.push((number(change.old_index()), text)),
                ChangeTag::Insert => added.push((number(change.new_index()), text)),
            }
        }
        flush(&mut removed, &mut added, &mut hunks);
        Diff { hunks }
    }

    /// The rows of `layout`, unchanged runs folded.
    pub fn rows(&self, layout: Layout) -> Vec<Row> {
        let mut rows = Vec::new();
        for hunk in &self.hunks {
            match hunk {
                Hunk::Same {
                    live,
                    desired,
                    text,
                } => rows.push(Row::Same {
                    live: *live,
                    desired: *desired,
                    text: text.clone(),
                }),
                Hunk::Replace { removed, added } => match layout {
                    Layout::Unified => {
                        rows.extend(removed.iter().cloned().map(Row::Removed));
                        rows.extend(added.iter().cloned().map(Row::Added));
                    }
                    Layout::Split => {
                        for i in 0..removed.len().max(added.len()) {
                            rows.push(Row::Changed {
                                live: removed.get(i).cloned(),
                                desired: added.get(i).cloned(),
                            });
                        }
                    }
                },
            }
        }
        fold(rows)
    }
}

/// Closes the changed lines gathered so far into one hunk, pairing them for word emphasis.
fn flush(removed: &mut Vec<(usize, &str)>, added: &mut Vec<(usize, &str)>, hunks: &mut Vec<Hunk>) {
    if removed.is_empty() && added.is_empty() {
        return;
    }
    let line = |&(number, text): &(usize, &str)| Line {
        number,
        spans: plain(text),
    };
    let mut old: Vec<Line> = removed.iter().map(line).collect();
    let mut new: Vec<Line> = added.iter().map(line).collect();
    for (i, ((_, a), (_, b))) in removed.iter().zip(added.iter()).enumerate() {
        (old[i].spans, new[i].spans) = emphasise(a, b);
    }
    removed.clear();
    added.clear();
    hunks.push(Hunk::Replace {
        removed: old,
        added: new,
    });
}

fn plain(text: &str) -> Vec<Span> {
    vec![Span {
        text: text.to_string(),
        emphasised: false,
    }]
}

/// The spans of a removed line and the added line replacing it, the words that differ
/// emphasised. Lines with less than half their text in common are shown without emphasis:
/// highlighting nearly everything says less than highlighting nothing.
pub fn emphasise(old: &str, new: &str) -> (Vec<Span>, Vec<Span>) {
    if old.len() > MAX_WORD_DIFF || new.len() > MAX_WORD_DIFF {
        return (plain(old), plain(new));
    }
    let (a, b) = (words(old), words(new));
    let (mut left, mut right) = (Vec::new(), Vec::new());
    let mut shared = 0;
    for op in capture_diff_slices(Algorithm::Myers, &a, &b) {
        let (tag, old_range, new_range) = op.as_tag_tuple();
        let changed = tag != DiffTag::Equal;
        if !changed {
            shared += visible_chars(&a[old_range.clone()]);
        }
        push(&mut left, &a[old_range], changed);
        push(&mut right, &b[new_range], changed);
    }
    if 4 * shared < visible_chars(&a) + visible_chars(&b) {
        return (plain(old), plain(new));
    }
    (bridge(left), bridge(right))
}

fn visible_chars(words: &[&str]) -> usize {
    words
        .iter()
        .flat_map(|w| w.chars())
        .filter(|c| !c.is_whitespace())
        .count()
}

fn push(spans: &mut Vec<Span>, words: &[&str], emphasised: bool) {
    if words.is_empty() {
        return;
    }
    match spans.last_mut() {
        Some(last) if last.emphasised == emphasised => last.text.extend(words.iter().copied()),
        _ => spans.push(Span {
            text: words.concat(),
            emphasised,
        }),
    }
}

/// Emphasises the blanks between two emphasised spans, so "a b" replaced reads as one
/// highlight rather than two with a gap.
fn bridge(spans: Vec<Span>) -> Vec<Span> {
    let mut out: Vec<Span> = Vec::with_capacity(spans.len());
    let mut rest = spans.into_iter().peekable();
    while let Some(mut span) = rest.next() {
        let between = !span.emphasised
            && span.text.chars().all(char::is_whitespace)
            && out.last().is_some_and(|s| s.emphasised)
            && rest.peek().is_some_and(|s| s.emphasised);
        if between {
            span.emphasised = true;
        }
        match out.last_mut() {
            Some(last) if last.emphasised == span.emphasised => last.text.push_str(&span.text),
            _ => out.push(span),
        }
    }
    out
}

/// Splits a line into runs of letters and digits, runs of blanks, and single other
/// characters, so `nginx:1.25` → `nginx:1.27` emphasises only `25` and `27`.
pub fn words(line: &str) -> Vec<&str> {
    #[derive(PartialEq)]
    enum Class {
        Word,
        Blank,
        Other,
    }
    let class = |c: char| {
        if c.is_alphanumeric() || c == '_' {
            Class::Word
        } else if c.is_whitespace() {
            Class::Blank
        } else {
            Class::Other
        }
    };
    let mut out = Vec::new();
    let mut start = 0;
    let mut previous: Option<Class> = None;
    for (i, c) in line.char_indices() {
        let now = class(c);
        let continues = previous
            .as_ref()
            .is_some_and(|p| *p == now && now != Class::Other);
        if !continues && i > start {
            out.push(&line[start..i]);
            start = i;
        }
        previous = Some(now);
    }
    if start < line.len() {
        out.push(&line[start..]);
    }
    out
}

/// Folds every run of unchanged rows longer than the context around the changes.
fn fold(rows: Vec<Row>) -> Vec<Row> {
    let changed: Vec<bool> = rows
        .iter()
        .map(|r| !matches!(r, Row::Same { .. }))
        .collect();
    // Distance to the nearest change before and after each row.
    let mut near = vec![false; rows.len()];
    let mut since: Option<usize> = None;
    for (i, &c) in changed.iter().enumerate() {
        since = if c { Some(0) } else { since.map(|d| d + 1) };
        near[i] |= since.is_some_and(|d| d <= CONTEXT);
    }
    let mut until: Option<usize> = None;
    for (i, &c) in changed.iter().enumerate().rev() {
        until = if c { Some(0) } else { until.map(|d| d + 1) };
        near[i] |= until.is_some_and(|d| d <= CONTEXT);
    }
    let mut out = Vec::new();
    let mut run: Vec<Row> = Vec::new();
    for (i, row) in rows.into_iter().enumerate() {
        if !near[i] {
            run.push(row);
            continue;
        }
        close_run(&mut run, &mut out);
        out.push(row);
    }
    close_run(&mut run, &mut out);
    out
}

fn close_run(run: &mut Vec<Row>, out: &mut Vec<Row>) {
    match run.len() {
        0 => {}
        // Folding one line hides nothing worth a click.
        1 => out.append(run),
        _ => out.push(Row::Folded(std::mem::take(run))),
    }
}

/// The row ranges of the first `pages` pages of `total` rows, one range per page: each page
/// is rendered on its own so that showing more adds rows without rebuilding those shown.
pub fn pages(total: usize, pages: usize) -> Vec<Range<usize>> {
    (0..pages)
        .map(|p| p * PAGE..((p + 1) * PAGE).min(total))
        .take_while(|r| !r.is_empty())
        .collect()
}

/// Rows of `total` not shown after `pages` pages.
pub fn not_shown(total: usize, pages: usize) -> usize {
    total.saturating_sub(pages.saturating_mul(PAGE))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(text: &str, emphasised: bool) -> Span {
        Span {
            text: text.into(),
            emphasised,
        }
    }

    fn line(number: usize, spans: &[(&str, bool)]) -> Line {
        Line {
            number,
            spans: spans.iter().map(|&(t, e)| span(t, e)).collect(),
        }
    }

    fn same(live: usize, desired: usize, text: &str) -> Row {
        Row::Same {
            live,
            desired,
            text: text.into(),
        }
    }

    /// One word per row: `=l/d`, `-l`, `+d`, `-l|+d` for a split pair, `…n` for a fold.
    fn outline(rows: &[Row]) -> Vec<String> {
        let number = |l: &Option<Line>| l.as_ref().map(|l| l.number.to_string());
        rows.iter()
            .map(|row| match row {
                Row::Same { live, desired, .. } => format!("={live}/{desired}"),
                Row::Removed(l) => format!("-{}", l.number),
                Row::Added(l) => format!("+{}", l.number),
                Row::Changed { live, desired } => format!(
                    "-{}|+{}",
                    number(live).unwrap_or_default(),
                    number(desired).unwrap_or_default()
                ),
                Row::Folded(inner) => format!("…{}", inner.len()),
            })
            .collect()
    }

    #[test]
    fn a_change_keeps_its_context_and_folds_the_rest() {
        let live: String = (1..=20).map(|i| format!("line {i}\n")).collect();
        let desired = live.replace("line 10\n", "line ten\n");
        let rows = Diff::new(&live, &desired).rows(Layout::Unified);
        assert_eq!(
            outline(&rows),
            [
                "…6", "=7/7", "=8/8", "=9/9", "-10", "+10", "=11/11", "=12/12", "=13/13", "…7"
            ]
        );
        assert_eq!(rows[3], same(9, 9, "line 9"));
        assert_eq!(
            rows[4],
            Row::Removed(line(10, &[("line ", false), ("10", true)]))
        );
        assert_eq!(
            rows[5],
            Row::Added(line(10, &[("line ", false), ("ten", true)]))
        );
        let Row::Folded(first) = &rows[0] else {
            panic!("not folded: {:?}", rows[0]);
        };
        assert_eq!(first[0], same(1, 1, "line 1"));
        assert_eq!(first[5], same(6, 6, "line 6"));
    }

    #[test]
    fn unified_lists_a_replacement_removed_first_and_split_pairs_it() {
        let diff = Diff::new("a: 1\nb: 2\nc: 3\n", "a: 1\nb: 20\nnew: x\nc: 3\n");
        let b2 = line(2, &[("b: ", false), ("2", true)]);
        let b20 = line(2, &[("b: ", false), ("20", true)]);
        // Nothing pairs with the third line: it is added whole, without emphasis.
        let new = line(3, &[("new: x", false)]);
        assert_eq!(
            diff.rows(Layout::Unified),
            [
                same(1, 1, "a: 1"),
                Row::Removed(b2.clone()),
                Row::Added(b20.clone()),
                Row::Added(new.clone()),
                same(3, 4, "c: 3"),
            ]
        );
        assert_eq!(
            diff.rows(Layout::Split),
            [
                same(1, 1, "a: 1"),
                Row::Changed {
                    live: Some(b2),
                    desired: Some(b20)
                },
                Row::Changed {
                    live: None,
                    desired: Some(new)
                },
                same(3, 4, "c: 3"),
            ]
        );
    }

    #[test]
    fn a_removed_block_leaves_the_right_side_empty_in_split() {
        let rows = Diff::new("a\nb\nc\n", "a\n").rows(Layout::Split);
        assert_eq!(outline(&rows), ["=1/1", "-2|+", "-3|+"]);
    }

    #[test]
    fn words_split_at_punctuation_and_blanks() {
        assert_eq!(
            words("image: nginx:1.25"),
            ["image", ":", " ", "nginx", ":", "1", ".", "25"]
        );
        assert_eq!(
            words("  - name: FOO_BAR"),
            ["  ", "-", " ", "name", ":", " ", "FOO_BAR"]
        );
        assert_eq!(words("größe: 5"), ["größe", ":", " ", "5"]);
        assert_eq!(words("::"), [":", ":"]);
        assert!(words("").is_empty());
    }

    #[test]
    fn only_the_differing_words_are_emphasised() {
        assert_eq!(
            emphasise("image: nginx:1.25", "image: nginx:1.27"),
            (
                vec![span("image: nginx:1.", false), span("25", true)],
                vec![span("image: nginx:1.", false), span("27", true)],
            )
        );
        assert_eq!(
            emphasise("replicas: 5", "replicas: 5 # pinned"),
            (
                vec![span("replicas: 5", false)],
                vec![span("replicas: 5", false), span(" # pinned", true)],
            )
        );
    }

    #[test]
    fn blanks_between_emphasised_words_are_emphasised_too() {
        assert_eq!(
            emphasise("command: run fast now", "command: walk slow now"),
            (
                vec![
                    span("command: ", false),
                    span("run fast", true),
                    span(" now", false)
                ],
                vec![
                    span("command: ", false),
                    span("walk slow", true),
                    span(" now", false)
                ],
            )
        );
    }

    #[test]
    fn lines_with_little_in_common_get_no_emphasis() {
        assert_eq!(
            emphasise("x: 1", "yy: 2"),
            (vec![span("x: 1", false)], vec![span("yy: 2", false)])
        );
    }

    #[test]
    fn very_long_lines_get_no_emphasis() {
        let old = format!("data: {}", "a ".repeat(MAX_WORD_DIFF));
        let new = format!("data: {}", "b ".repeat(MAX_WORD_DIFF));
        assert_eq!(emphasise(&old, &new), (plain(&old), plain(&new)));
    }

    #[test]
    fn equal_texts_fold_into_one_row() {
        let text = "a\nb\nc\nd\n";
        for layout in Layout::ALL {
            let rows = Diff::new(text, text).rows(layout);
            assert!(matches!(rows.as_slice(), [Row::Folded(all)] if all.len() == 4));
        }
    }

    #[test]
    fn a_large_crd_folds_down_to_its_few_changes() {
        let live: String = (1..=20_000)
            .map(|i| format!("  key{i}: value{i}\n"))
            .collect();
        let mut desired: Vec<String> = (1..=20_000)
            .map(|i| format!("  key{i}: value{i}"))
            .collect();
        desired[4_999] = "  key5000: other".into();
        desired.insert(18_000, "  extra: yes".into());
        desired.remove(11_999);
        let desired = desired.join("\n") + "\n";
        let diff = Diff::new(&live, &desired);

        let unified = diff.rows(Layout::Unified);
        assert_eq!(
            outline(&unified),
            [
                "…4996",
                "=4997/4997",
                "=4998/4998",
                "=4999/4999",
                "-5000",
                "+5000",
                "=5001/5001",
                "=5002/5002",
                "=5003/5003",
                "…6993",
                "=11997/11997",
                "=11998/11998",
                "=11999/11999",
                "-12000",
                "=12001/12000",
                "=12002/12001",
                "=12003/12002",
                "…5994",
                "=17998/17997",
                "=17999/17998",
                "=18000/17999",
                "+18000",
                "=18001/18001",
                "=18002/18002",
                "=18003/18003",
                "…1997",
            ]
        );
        assert_eq!(
            unified[4],
            Row::Removed(line(5000, &[("  key5000: ", false), ("value5000", true)]))
        );
        let Row::Folded(last) = &unified[25] else {
            panic!("not folded: {:?}", unified[25]);
        };
        assert_eq!(last[1996], same(20_000, 20_000, "  key20000: value20000"));

        let split = outline(&diff.rows(Layout::Split));
        assert_eq!(split[4], "-5000|+5000");
        assert_eq!(split.len(), unified.len() - 1);
        // An expanded fold is paged like the diff itself.
        assert_eq!(bounds(pages(4996, 1)), [(0, PAGE)]);
        assert_eq!(not_shown(4996, 1), 4996 - PAGE);
    }

    fn bounds(ranges: Vec<Range<usize>>) -> Vec<(usize, usize)> {
        ranges.into_iter().map(|r| (r.start, r.end)).collect()
    }

    #[test]
    fn pages_grow_by_one_page_up_to_the_total() {
        assert!(pages(0, 1).is_empty());
        assert_eq!(bounds(pages(900, 1)), [(0, 400)]);
        assert_eq!(bounds(pages(900, 3)), [(0, 400), (400, 800), (800, 900)]);
        assert_eq!(pages(900, 5), pages(900, 3));
        assert_eq!(bounds(pages(800, 3)), [(0, 400), (400, 800)]);
        assert_eq!(not_shown(900, 1), 500);
        assert_eq!(not_shown(900, 3), 0);
        assert_eq!(not_shown(900, 0), 900);
    }

    #[test]
    fn layouts_round_trip_through_their_ids() {
        for layout in Layout::ALL {
            assert_eq!(Layout::from_id(layout.id()), Some(layout));
        }
        assert_eq!(Layout::from_id("sideways"), None);
    }
}
