//! A revision as a person types it (`shipdeck diff --revision`, the window's preview): a branch,
//! a tag or a commit, told apart the way a person would write them.
//!
//! `refs/heads/…` and `refs/tags/…` say which; 7 to 40 hex digits are a commit first; any other
//! name is a branch first, then a tag. The candidates are tried in order, and the next one only
//! when the repository has no such ref.

use super::Revision;
use super::spec::Result;

/// What `REV` may name, most likely first.
pub fn candidates(rev: &str) -> Result<Vec<Revision>> {
    let rev = rev.trim();
    if rev.starts_with("refs/heads/") {
        return Ok(vec![Revision::branch(rev)?]);
    }
    if rev.starts_with("refs/tags/") {
        return Ok(vec![Revision::tag(rev)?]);
    }
    let named = [Revision::branch(rev), Revision::tag(rev)];
    let looks_like_sha =
        (7..=40).contains(&rev.len()) && rev.bytes().all(|b| b.is_ascii_hexdigit());
    let mut out = Vec::new();
    if looks_like_sha {
        out.push(Revision::commit(rev)?);
        // A branch or tag named like a SHA is odd but valid.
        out.extend(named.into_iter().flatten());
        return Ok(out);
    }
    for candidate in named {
        out.push(candidate?);
    }
    Ok(out)
}

/// A Git URL given without `--revision`: `main`, or `master` in an older repository.
pub fn default_branches() -> Vec<Revision> {
    ["main", "master"]
        .into_iter()
        .filter_map(|name| Revision::branch(name).ok())
        .collect()
}

/// The settings' form of a revision, to name its mirror like the window does.
pub fn to_settings(revision: &Revision) -> crate::settings::model::Revision {
    use crate::settings::model::Revision as Model;
    match revision {
        Revision::Branch(n) => Model::Branch(n.clone()),
        Revision::Tag(n) => Model::Tag(n.clone()),
        Revision::Commit(n) => Model::Commit(n.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refs_name_their_kind_shas_are_commits_first_and_names_branches_first() {
        assert_eq!(
            candidates("refs/tags/v1.2").unwrap(),
            [Revision::Tag("v1.2".into())]
        );
        assert_eq!(
            candidates("refs/heads/feature/x").unwrap(),
            [Revision::Branch("feature/x".into())]
        );
        assert_eq!(
            candidates("feature/x").unwrap(),
            [
                Revision::Branch("feature/x".into()),
                Revision::Tag("feature/x".into())
            ]
        );
        assert_eq!(
            candidates("DEADBEEF").unwrap(),
            [
                Revision::Commit("deadbeef".into()),
                Revision::Branch("DEADBEEF".into()),
                Revision::Tag("DEADBEEF".into())
            ]
        );
        assert!(candidates("bad..name").is_err());
        assert!(candidates("").is_err());
    }
}
