//! Line diffs for the drift review: each changed line with a few lines of context, longer
//! unchanged runs folded into one row that says how many lines it hides.

use similar::{ChangeTag, TextDiff};

/// Unchanged lines kept visible on each side of a change.
pub const CONTEXT: usize = 3;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Row {
    /// The same in live and desired; 1-based line numbers on each side.
    Same {
        live: usize,
        desired: usize,
        text: String,
    },
    /// Only live has it: a sync removes it.
    Removed { live: usize, text: String },
    /// Only desired has it: a sync adds it.
    Added { desired: usize, text: String },
    /// Unchanged lines folded away; expanding shows them.
    Folded(Vec<Row>),
}

/// The rows of a diff from `live` to `desired`.
pub fn rows(live: &str, desired: &str) -> Vec<Row> {
    let diff = TextDiff::from_lines(live, desired);
    let mut all = Vec::new();
    for change in diff.iter_all_changes() {
        let text = change.value().trim_end_matches('\n').to_string();
        let (l, d) = (change.old_index(), change.new_index());
        all.push(match change.tag() {
            ChangeTag::Equal => Row::Same {
                live: l.unwrap_or(0) + 1,
                desired: d.unwrap_or(0) + 1,
                text,
            },
            ChangeTag::Delete => Row::Removed {
                live: l.unwrap_or(0) + 1,
                text,
            },
            ChangeTag::Insert => Row::Added {
                desired: d.unwrap_or(0) + 1,
                text,
            },
        });
    }
    fold(all)
}

/// Folds every run of unchanged rows longer than the context around the changes. Linear in
/// the rows: a large CRD's diff must not stall the window.
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
        flush(&mut run, &mut out);
        out.push(row);
    }
    flush(&mut run, &mut out);
    out
}

fn flush(run: &mut Vec<Row>, out: &mut Vec<Row>) {
    match run.len() {
        0 => {}
        // Folding one line hides nothing worth a click.
        1 => out.append(run),
        _ => out.push(Row::Folded(std::mem::take(run))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_keeps_its_context_and_folds_the_rest() {
        let live: String = (1..=20).map(|i| format!("line {i}\n")).collect();
        let desired = live.replace("line 10\n", "line ten\n");
        let rows = rows(&live, &desired);
        let hidden: Vec<usize> = rows
            .iter()
            .filter_map(|r| match r {
                Row::Folded(inner) => Some(inner.len()),
                _ => None,
            })
            .collect();
        assert_eq!(hidden, [6, 7], "lines 1-6 and 14-20 folded");
        assert!(rows.contains(&Row::Removed {
            live: 10,
            text: "line 10".into()
        }));
        assert!(rows.contains(&Row::Added {
            desired: 10,
            text: "line ten".into()
        }));
    }

    #[test]
    fn equal_texts_fold_into_one_row() {
        let text = "a\nb\nc\nd\n";
        assert!(matches!(rows(text, text).as_slice(), [Row::Folded(all)] if all.len() == 4));
    }
}
