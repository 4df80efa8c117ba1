//! The numbers behind a chart as CSV (RFC 4180: CRLF line ends, a header line, fields quoted
//! only when they must be). Written by hand: a few columns of times, ids and numbers do not
//! need a CSV library.

use super::{ChartData, ChartKind};
use std::fmt::Write;

/// One line per bucket (or per recovered failure), times in RFC 3339 (UTC), values in the
/// chart's unit, an empty field where the chart has a gap.
pub fn csv(data: &ChartData) -> String {
    let per_failure = data.kind == ChartKind::RecoveryTime;
    let mut header: Vec<&str> = if per_failure {
        vec!["deployment", "app", "failed_at", "recovered_at"]
    } else {
        vec!["bucket_start", "bucket_end"]
    };
    header.extend(data.series.iter().map(|s| s.column.as_str()));
    let mut out = String::new();
    line(&mut out, header.into_iter().map(str::to_owned));
    for row in &data.rows {
        let mut fields = Vec::with_capacity(4 + row.values.len());
        if per_failure {
            let failure = row.failure.as_ref();
            fields.push(failure.map(|f| f.id.clone()).unwrap_or_default());
            fields.push(failure.map(|f| f.app.clone()).unwrap_or_default());
        }
        fields.push(row.start.to_string());
        fields.push(row.end.to_string());
        // Rust prints the shortest text that reads back as the same f64: no digits are lost.
        fields.extend(row.values.iter().map(|v| {
            v.filter(|v| v.is_finite())
                .map(|v| v.to_string())
                .unwrap_or_default()
        }));
        line(&mut out, fields.into_iter());
    }
    out
}

fn line(out: &mut String, fields: impl Iterator<Item = String>) {
    for (i, field) in fields.enumerate() {
        if i > 0 {
            out.push(',');
        }
        let _ = write!(out, "{}", quoted(&field));
    }
    out.push_str("\r\n");
}

/// `field`, in quotes with its quotes doubled when it holds a comma, a quote or a line break.
fn quoted(field: &str) -> std::borrow::Cow<'_, str> {
    if field.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", field.replace('"', "\"\"")).into()
    } else {
        field.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::fixture::{DAY, at, week};
    use crate::charts::{ChartKind, chart};

    #[test]
    fn each_bucket_is_a_line_under_a_header_with_gaps_left_empty() {
        let facts = week();
        let text = csv(&chart(ChartKind::Frequency, &facts, at(0), at(7 * DAY)));
        assert_eq!(
            text,
            "bucket_start,bucket_end,successful_deployments\r\n\
             2026-01-01T00:00:00Z,2026-01-02T00:00:00Z,1\r\n\
             2026-01-02T00:00:00Z,2026-01-03T00:00:00Z,1\r\n\
             2026-01-03T00:00:00Z,2026-01-04T00:00:00Z,0\r\n\
             2026-01-04T00:00:00Z,2026-01-05T00:00:00Z,2\r\n\
             2026-01-05T00:00:00Z,2026-01-06T00:00:00Z,3\r\n\
             2026-01-06T00:00:00Z,2026-01-07T00:00:00Z,0\r\n\
             2026-01-07T00:00:00Z,2026-01-08T00:00:00Z,0\r\n"
        );
        let lead = csv(&chart(ChartKind::LeadTime, &facts, at(0), at(7 * DAY)));
        let lines: Vec<&str> = lead.lines().collect();
        assert_eq!(lines.len(), 1 + 7);
        assert_eq!(lines[0], "bucket_start,bucket_end,median_hours,p90_hours");
        assert_eq!(lines[1], "2026-01-01T00:00:00Z,2026-01-02T00:00:00Z,2,6");
        assert_eq!(lines[3], "2026-01-03T00:00:00Z,2026-01-04T00:00:00Z,,");
        assert_eq!(lines[4], "2026-01-04T00:00:00Z,2026-01-05T00:00:00Z,24,24");
        let fail = csv(&chart(
            ChartKind::ChangeFailRate,
            &facts,
            at(0),
            at(7 * DAY),
        ));
        assert_eq!(
            fail.lines().nth(6),
            Some("2026-01-06T00:00:00Z,2026-01-07T00:00:00Z,100")
        );
    }

    #[test]
    fn recoveries_are_a_line_each_and_awkward_ids_are_quoted() {
        let mut facts = week();
        facts[1].id = "prod/web \"2\", hotfixed".into();
        let text = csv(&chart(ChartKind::RecoveryTime, &facts, at(0), at(7 * DAY)));
        assert_eq!(
            text,
            "deployment,app,failed_at,recovered_at,recovery_hours\r\n\
             \"prod/web \"\"2\"\", hotfixed\",web,2026-01-02T09:00:00Z,2026-01-02T12:00:00Z,3\r\n\
             w.4,web,2026-01-04T10:00:00Z,2026-01-04T11:00:00Z,1\r\n"
        );
        let empty = csv(&chart(ChartKind::RecoveryTime, &[], at(0), at(7 * DAY)));
        assert_eq!(
            empty,
            "deployment,app,failed_at,recovered_at,recovery_hours\r\n"
        );
    }
}
