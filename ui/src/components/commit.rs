use crate::format;
use leptos::prelude::*;
use shipdeck_ipc::workspace::CommitSummary;

/// One commit on one line: short SHA, message, author and age.
#[component]
pub fn CommitLine(commit: CommitSummary) -> impl IntoView {
    let age = format::age(format::now_secs(), commit.commit_time);
    view! {
        <div class="commit-line">
            <code class="sha" title=commit.sha.clone()>{commit.short_sha().to_string()}</code>
            <span class="commit-msg">{commit.summary}</span>
            <span class="muted">{commit.author}" · "{age}</span>
        </div>
    }
}
