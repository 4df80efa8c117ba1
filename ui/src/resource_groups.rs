//! A comparison's resources as the review lists them: grouped by kind, as one sequence of
//! headings and rows that the list builds only near the viewport.

use shipdeck_ipc::SyncStatus;
use shipdeck_ipc::drift::ResourceDrift;

/// The resources of one kind, as indices into the list they came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KindGroup {
    /// API group; empty for the core group.
    pub group: String,
    pub kind: String,
    pub members: Vec<usize>,
    pub out_of_sync: usize,
    pub unknown: usize,
}

impl KindGroup {
    fn needs_a_look(&self) -> bool {
        self.out_of_sync + self.unknown > 0
    }

    /// "12 resources, 3 OutOfSync, 1 Unknown" for the kind's heading.
    pub fn counts(&self) -> String {
        let total = self.members.len();
        let mut parts = vec![format!(
            "{total} resource{}",
            if total == 1 { "" } else { "s" }
        )];
        for (n, label) in [(self.out_of_sync, "OutOfSync"), (self.unknown, "Unknown")] {
            if n > 0 {
                parts.push(format!("{n} {label}"));
            }
        }
        parts.join(", ")
    }
}

/// Groups by (API group, kind): kinds with something out of sync or unknown first, then by
/// kind; inside a kind what needs a look first, then by resource id.
pub fn by_kind(resources: &[ResourceDrift]) -> Vec<KindGroup> {
    let mut groups: Vec<KindGroup> = Vec::new();
    for (index, r) in resources.iter().enumerate() {
        let at = match groups
            .iter()
            .position(|g| g.kind == r.kind && g.group == r.group)
        {
            Some(at) => at,
            None => {
                groups.push(KindGroup {
                    group: r.group.clone(),
                    kind: r.kind.clone(),
                    members: Vec::new(),
                    out_of_sync: 0,
                    unknown: 0,
                });
                groups.len() - 1
            }
        };
        let group = &mut groups[at];
        group.members.push(index);
        match r.status {
            SyncStatus::OutOfSync => group.out_of_sync += 1,
            SyncStatus::Unknown => group.unknown += 1,
            SyncStatus::Synced => {}
        }
    }
    for group in &mut groups {
        group.members.sort_by_cached_key(|&i| {
            (resources[i].status == SyncStatus::Synced, resources[i].id())
        });
    }
    groups.sort_by(|a, b| {
        (!a.needs_a_look(), &a.kind, &a.group).cmp(&(!b.needs_a_look(), &b.kind, &b.group))
    });
    groups
}

/// One line of the list: a kind's heading, or a resource (an index into the list).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Item {
    Heading(usize),
    Row(usize),
}

/// The whole list: each kind's heading, then its resources.
pub fn items(groups: &[KindGroup]) -> Vec<Item> {
    let mut items =
        Vec::with_capacity(groups.len() + groups.iter().map(|g| g.members.len()).sum::<usize>());
    for (g, group) in groups.iter().enumerate() {
        items.push(Item::Heading(g));
        items.extend(group.members.iter().map(|&i| Item::Row(i)));
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resource(kind: &str, name: &str, status: SyncStatus) -> ResourceDrift {
        ResourceDrift {
            health: None,
            group: if kind == "Deployment" {
                "apps".into()
            } else {
                String::new()
            },
            version: "v1".into(),
            kind: kind.into(),
            namespace: Some("shop".into()),
            name: name.into(),
            status,
            reason: None,
            changes: vec![],
            ignored: vec![],
            message: None,
            live_yaml: None,
            desired_yaml: None,
        }
    }

    fn sample() -> Vec<ResourceDrift> {
        use SyncStatus::*;
        vec![
            resource("Service", "web", Synced),
            resource("Deployment", "web", Synced),
            resource("ConfigMap", "b", Synced),
            resource("Deployment", "api", Synced),
            resource("Deployment", "worker", OutOfSync),
            resource("ConfigMap", "a", Unknown),
        ]
    }

    #[test]
    fn kinds_that_drifted_come_first_with_their_drifted_resources_first() {
        let groups = by_kind(&sample());
        let summary: Vec<(&str, Vec<usize>, usize, usize)> = groups
            .iter()
            .map(|g| (g.kind.as_str(), g.members.clone(), g.out_of_sync, g.unknown))
            .collect();
        assert_eq!(
            summary,
            [
                ("ConfigMap", vec![5, 2], 0, 1),
                ("Deployment", vec![4, 3, 1], 1, 0),
                ("Service", vec![0], 0, 0),
            ]
        );
        assert_eq!(groups[1].group, "apps");
        let counts: Vec<String> = groups.iter().map(KindGroup::counts).collect();
        assert_eq!(
            counts,
            [
                "2 resources, 1 Unknown",
                "3 resources, 1 OutOfSync",
                "1 resource"
            ]
        );
    }

    #[test]
    fn the_same_kind_in_two_api_groups_is_two_groups() {
        let mut other = resource("Deployment", "legacy", SyncStatus::Synced);
        other.group = "extensions".into();
        let groups = by_kind(&[resource("Deployment", "web", SyncStatus::Synced), other]);
        let keys: Vec<(&str, &str)> = groups
            .iter()
            .map(|g| (g.group.as_str(), g.kind.as_str()))
            .collect();
        assert_eq!(keys, [("apps", "Deployment"), ("extensions", "Deployment")]);
    }

    #[test]
    fn each_kind_is_its_heading_then_its_resources() {
        use Item::*;
        assert_eq!(
            items(&by_kind(&sample())),
            [
                Heading(0),
                Row(5),
                Row(2),
                Heading(1),
                Row(4),
                Row(3),
                Row(1),
                Heading(2),
                Row(0)
            ]
        );
        assert_eq!(items(&[]), []);
    }

    #[test]
    fn thousands_of_resources_make_one_sequence() {
        let many: Vec<ResourceDrift> = (0..5000)
            .map(|i| resource("ConfigMap", &format!("cm-{i:04}"), SyncStatus::Synced))
            .collect();
        let all = items(&by_kind(&many));
        assert_eq!(all.len(), 5001);
        assert_eq!(
            (all[0], all[1], all[5000]),
            (Item::Heading(0), Item::Row(0), Item::Row(4999))
        );
    }
}
