//! `--resource`: the objects a sync is limited to, named as a person types them
//! (`deployment/web`, `Deployment/shop/web`, `apps/Deployment/shop/web` as `shipdeck diff`
//! prints it, `deployment.apps/web` as kubectl does) and resolved against what the application
//! declares. A name that fits nothing, or several objects, is refused: a sync must never apply
//! something other than what was asked.

use crate::output::deployment::resource_id;
use shipdeck_ipc::deploy::ResourceRef;
use std::collections::BTreeSet;

/// How many near matches a refusal lists.
const NEAR: usize = 5;

/// Each of `specs` resolved to exactly one of `known`, in order, without repeats. `declared`
/// says whose objects `known` are, for the refusal.
pub fn resolve(
    specs: &[String],
    known: &[ResourceRef],
    declared: &str,
) -> Result<Vec<ResourceRef>, String> {
    let mut chosen = Vec::new();
    let mut seen = BTreeSet::new();
    for spec in specs {
        let found = resolve_one(spec, known, declared)?;
        if seen.insert(found.clone()) {
            chosen.push(found);
        }
    }
    Ok(chosen)
}

fn resolve_one(spec: &str, known: &[ResourceRef], declared: &str) -> Result<ResourceRef, String> {
    let shown = crate::one_line(spec);
    let parts: Vec<&str> = spec.trim().split('/').collect();
    if !(2..=4).contains(&parts.len()) || parts.iter().any(|p| p.is_empty()) {
        return Err(format!(
            "--resource {shown}: write KIND/NAME, KIND/NAMESPACE/NAME or GROUP/KIND/NAMESPACE/NAME \
             (e.g. Deployment/web)"
        ));
    }
    let found: Vec<&ResourceRef> = known.iter().filter(|r| matches(&parts, r)).collect();
    match found.as_slice() {
        [one] => Ok((*one).clone()),
        [] => {
            let near = near(&parts, known);
            Err(format!(
                "--resource {shown} is not among the objects {declared}{}",
                if near.is_empty() {
                    "; `shipdeck diff APP` lists them".to_string()
                } else {
                    format!("; did you mean {}?", listed(&near))
                }
            ))
        }
        several => Err(format!(
            "--resource {shown} matches {} objects ({}); name one of them as listed",
            several.len(),
            listed(several)
        )),
    }
}

/// Whether `parts` (2 to 4 segments) name `r`. Three segments read either way:
/// `KIND/NAMESPACE/NAME` or `GROUP/KIND/NAME`.
fn matches(parts: &[&str], r: &ResourceRef) -> bool {
    let ns = |written: &str| r.namespace.as_deref() == Some(written);
    match *parts {
        [kind, name] => kind_matches(kind, r) && name == r.name,
        [a, b, name] => {
            name == r.name
                && ((kind_matches(a, r) && ns(b)) || (a == r.group && kind_is(b, &r.kind)))
        }
        [group, kind, namespace, name] => {
            name == r.name && group == r.group && kind_is(kind, &r.kind) && ns(namespace)
        }
        _ => false,
    }
}

/// `Deployment`, `deployments`, or kubectl's `deployment.apps` (the group after the first dot).
fn kind_matches(written: &str, r: &ResourceRef) -> bool {
    match written.split_once('.') {
        Some((kind, group)) => group == r.group && kind_is(kind, &r.kind),
        None => kind_is(written, &r.kind),
    }
}

/// The kind in any case, or its plural as kubectl takes it.
fn kind_is(written: &str, kind: &str) -> bool {
    let (written, kind) = (written.to_lowercase(), kind.to_lowercase());
    written == kind
        || written == format!("{kind}s")
        || written == format!("{kind}es")
        || (kind.ends_with('y') && written == format!("{}ies", &kind[..kind.len() - 1]))
}

/// Objects whose name is close to the one in `parts`: a typo, or the name without a prefix;
/// those of the kind written first.
fn near<'k>(parts: &[&str], known: &'k [ResourceRef]) -> Vec<&'k ResourceRef> {
    let (name, before) = parts.split_last().expect("at least two parts");
    let name = name.to_lowercase();
    let mut scored: Vec<(usize, bool, &ResourceRef)> = known
        .iter()
        .filter_map(|r| {
            let theirs = r.name.to_lowercase();
            let d = distance(&name, &theirs);
            let related = name.len() >= 3 && (theirs.contains(&name) || name.contains(&theirs));
            let other_kind = !before.iter().any(|k| kind_matches(k, r));
            (d <= 2 || related).then_some((d, other_kind, r))
        })
        .collect();
    scored.sort();
    scored.into_iter().take(NEAR).map(|(_, _, r)| r).collect()
}

/// Levenshtein distance over characters.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (diagonal + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(above + 1);
            diagonal = above;
        }
    }
    row[b.len()]
}

fn listed(resources: &[&ResourceRef]) -> String {
    resources
        .iter()
        .map(|r| resource_id(r))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(group: &str, kind: &str, namespace: Option<&str>, name: &str) -> ResourceRef {
        ResourceRef {
            group: group.into(),
            kind: kind.into(),
            namespace: namespace.map(String::from),
            name: name.into(),
        }
    }

    fn known() -> Vec<ResourceRef> {
        vec![
            r("", "ConfigMap", Some("shop"), "web"),
            r("", "Service", Some("shop"), "web"),
            r("apps", "Deployment", Some("shop"), "web"),
            r("apps", "Deployment", Some("other"), "web"),
            r("networking.k8s.io", "Ingress", Some("shop"), "web"),
            r(
                "networking.k8s.io",
                "NetworkPolicy",
                Some("shop"),
                "deny-all",
            ),
            r(
                "rbac.authorization.k8s.io",
                "ClusterRole",
                None,
                "web-reader",
            ),
        ]
    }

    fn one(spec: &str) -> Result<ResourceRef, String> {
        resolve(&[spec.to_string()], &known(), "of 'web' at abc1234")
            .map(|mut found| found.remove(0))
    }

    #[test]
    fn every_spelling_a_person_or_shipdeck_uses_resolves() {
        let svc = r("", "Service", Some("shop"), "web");
        assert_eq!(one("Service/web"), Ok(svc.clone()));
        assert_eq!(one("service/web"), Ok(svc.clone()));
        assert_eq!(one("services/web"), Ok(svc.clone()));
        assert_eq!(one("Service/shop/web"), Ok(svc.clone()));
        // As `shipdeck diff` prints the core group: no group segment.
        assert_eq!(one("ConfigMap/shop/web").unwrap().kind, "ConfigMap");
        let deploy = r("apps", "Deployment", Some("shop"), "web");
        assert_eq!(one("apps/Deployment/shop/web"), Ok(deploy.clone()));
        assert_eq!(one("deployment/shop/web"), Ok(deploy.clone()));
        assert_eq!(one("ingresses/web").unwrap().kind, "Ingress");
        assert_eq!(
            one("networkpolicies/deny-all").unwrap().kind,
            "NetworkPolicy"
        );
        assert_eq!(
            one("ingress.networking.k8s.io/web").unwrap().kind,
            "Ingress"
        );
        // GROUP/KIND/NAME for a cluster-scoped object.
        assert_eq!(
            one("rbac.authorization.k8s.io/ClusterRole/web-reader"),
            Ok(r(
                "rbac.authorization.k8s.io",
                "ClusterRole",
                None,
                "web-reader"
            ))
        );
        assert_eq!(one("clusterrole/web-reader").unwrap().namespace, None);
    }

    #[test]
    fn a_name_several_objects_share_is_refused_with_them_listed() {
        let err = one("Deployment/web").unwrap_err();
        assert_eq!(
            err,
            "--resource Deployment/web matches 2 objects (apps/Deployment/shop/web, \
             apps/Deployment/other/web); name one of them as listed"
        );
        assert_eq!(
            one("Deployment/other/web").unwrap().namespace.as_deref(),
            Some("other")
        );
    }

    #[test]
    fn an_unknown_object_is_refused_with_near_matches() {
        let err = one("Deployment/wbe").unwrap_err();
        assert!(
            err.starts_with("--resource Deployment/wbe is not among the objects of 'web' at abc1234; did you mean "),
            "{err}"
        );
        // Objects of the kind written come first.
        assert!(
            err.ends_with(
                "did you mean apps/Deployment/other/web, apps/Deployment/shop/web, \
                 ConfigMap/shop/web, Service/shop/web, networking.k8s.io/Ingress/shop/web?"
            ),
            "{err}"
        );
        let err = one("ClusterRole/reader").unwrap_err();
        assert!(
            err.ends_with("did you mean rbac.authorization.k8s.io/ClusterRole/web-reader?"),
            "{err}"
        );
        let err = one("Secret/zzzzzz").unwrap_err();
        assert!(err.ends_with("; `shipdeck diff APP` lists them"), "{err}");
        // The right name in the wrong namespace is not taken for it.
        assert!(one("Service/other/web").is_err());
        assert!(one("extensions/Ingress/shop/web").is_err());
    }

    #[test]
    fn malformed_specs_say_how_to_write_one() {
        for bad in ["web", "a/b/c/d/e", "Deployment//web", "/web", ""] {
            let err = one(bad).unwrap_err();
            assert!(err.contains("write KIND/NAME"), "{bad}: {err}");
        }
        // Control characters typed or pasted are shown escaped.
        assert!(one("web\x1b[2J").unwrap_err().contains("web\\u{1b}[2J"));
    }

    #[test]
    fn the_same_object_named_twice_is_synced_once() {
        let specs = [
            "Service/web",
            "service/shop/web",
            "apps/Deployment/shop/web",
        ]
        .map(String::from);
        let found = resolve(&specs, &known(), "").unwrap();
        assert_eq!(
            found.iter().map(|r| r.kind.as_str()).collect::<Vec<_>>(),
            ["Service", "Deployment"]
        );
    }

    #[test]
    fn distance_counts_edits() {
        assert_eq!(distance("web", "web"), 0);
        assert_eq!(distance("wbe", "web"), 2);
        assert_eq!(distance("web", "webs"), 1);
        assert_eq!(distance("", "abc"), 3);
    }
}
