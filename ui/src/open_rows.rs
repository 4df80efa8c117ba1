//! Which resource rows show their diff. Kept apart from the rows themselves so a new
//! comparison (every live change, every ignore rule) does not fold what the reviewer opened,
//! and so "Expand all" also holds for rows built later, as they scroll into view.

use std::collections::HashSet;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OpenRows {
    /// What "Expand all" or "Collapse all" last said.
    all_open: bool,
    /// Rows toggled since, by (application, resource id).
    toggled: HashSet<(String, String)>,
}

impl OpenRows {
    pub fn is_open(&self, app: &str, id: &str) -> bool {
        self.all_open != self.toggled.contains(&(app.to_string(), id.to_string()))
    }

    pub fn toggle(&mut self, app: &str, id: &str) {
        let key = (app.to_string(), id.to_string());
        if !self.toggled.remove(&key) {
            self.toggled.insert(key);
        }
    }

    pub fn expand_all(&mut self) {
        self.all_open = true;
        self.toggled.clear();
    }

    pub fn collapse_all(&mut self) {
        self.all_open = false;
        self.toggled.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::OpenRows;

    #[test]
    fn rows_toggle_alone_and_follow_expand_and_collapse_all() {
        let mut rows = OpenRows::default();
        assert!(!rows.is_open("shop", "a"));
        rows.toggle("shop", "a");
        assert!(rows.is_open("shop", "a"));
        assert!(!rows.is_open("blog", "a"), "rows are per application");
        rows.expand_all();
        assert!(rows.is_open("shop", "a") && rows.is_open("shop", "built-later"));
        rows.toggle("shop", "a");
        assert!(!rows.is_open("shop", "a"));
        rows.collapse_all();
        assert!(!rows.is_open("shop", "a") && !rows.is_open("shop", "b"));
        rows.toggle("shop", "b");
        rows.toggle("shop", "b");
        assert!(!rows.is_open("shop", "b"));
    }
}
