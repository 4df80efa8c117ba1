//! Commit metadata as the engine keeps it.

use shipdeck_ipc::workspace::CommitSummary;

/// Converts a git2 commit; names and messages that are not UTF-8 are shown lossily rather than
/// dropped, since they are for display.
pub fn summarize(commit: &git2::Commit<'_>) -> CommitSummary {
    let author = commit.author();
    CommitSummary {
        sha: commit.id().to_string(),
        author: String::from_utf8_lossy(author.name_bytes()).into_owned(),
        author_email: String::from_utf8_lossy(author.email_bytes()).into_owned(),
        author_time: author.when().seconds(),
        commit_time: commit.time().seconds(),
        summary: String::from_utf8_lossy(commit.summary_bytes().unwrap_or_default()).into_owned(),
        parents: commit.parent_ids().map(|id| id.to_string()).collect(),
    }
}
