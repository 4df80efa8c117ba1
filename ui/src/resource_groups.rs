//! A comparison's resources as the review lists them: grouped by kind, and built a page at a
//! time so an application with thousands of resources stays responsive.

use shipdeck_ipc::SyncStatus;
use shipdeck_ipc::drift::ResourceDrift;

/// Rows built per "Show more": enough to scroll through, few enough to build at once.
pub const PAGE_SIZE: usize = 200;

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

/// Page `page` (from 0) of the list, `size` resources long, with each kind's heading before
/// its first resource. Pages are appended below each other, so a kind that continues on the
/// next page needs no second heading.
pub fn page(groups: &[KindGroup], page: usize, size: usize) -> Vec<Item> {
    let (start, end) = (page * size, (page + 1) * size);
    let mut items = Vec::new();
    let mut first = 0;
    for (g, group) in groups.iter().enumerate() {
        let last = first + group.members.len();
        if last > start && first < end {
            if first >= start {
                items.push(Item::Heading(g));
            }
            let from = start.saturating_sub(first);
            let to = (end - first).min(group.members.len());
            items.extend(group.members[from..to].iter().map(|&i| Item::Row(i)));
        }
        first = last;
    }
    items
}

/// How many pages `total` resources take.
pub fn page_count(total: usize, size: usize) -> usize {
    total.div_ceil(size)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resource(kind: &str, name: &str, status: SyncStatus) -> ResourceDrift {
        ResourceDrift {
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
    fn pages_cut_across_kinds_with_a_heading_where_a_kind_starts() {
        use Item::*;
        let groups = by_kind(&sample());
        assert_eq!(
            page(&groups, 0, 4),
            [Heading(0), Row(5), Row(2), Heading(1), Row(4), Row(3)]
        );
        assert_eq!(page(&groups, 1, 4), [Row(1), Heading(2), Row(0)]);
        assert_eq!(page(&groups, 2, 4), []);
        assert_eq!(page(&groups, 0, 100).len(), 6 + 3);
        assert_eq!(page(&groups, 1, 2), [Heading(1), Row(4), Row(3)]);
    }

    #[test]
    fn thousands_of_resources_build_one_page_at_a_time() {
        let many: Vec<ResourceDrift> = (0..5000)
            .map(|i| resource("ConfigMap", &format!("cm-{i:04}"), SyncStatus::Synced))
            .collect();
        let groups = by_kind(&many);
        assert_eq!(page_count(many.len(), PAGE_SIZE), 25);
        let first = page(&groups, 0, PAGE_SIZE);
        assert_eq!(first.len(), PAGE_SIZE + 1);
        assert_eq!(first[1], Item::Row(0));
        let last = page(&groups, 24, PAGE_SIZE);
        assert_eq!(
            (last.len(), last[PAGE_SIZE - 1]),
            (PAGE_SIZE, Item::Row(4999))
        );
        assert_eq!(page_count(0, PAGE_SIZE), 0);
        assert_eq!(page_count(201, PAGE_SIZE), 2);
    }
}
