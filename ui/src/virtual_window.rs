//! The arithmetic of a virtualised list: where each item starts, which items a viewport
//! shows, and how tall the spacers standing for the others are. Free of the DOM, so it is
//! tested on the host; `components::virtual_list` feeds it measured heights.

use std::ops::Range;

/// Where each item starts, from the top of the list, in CSS pixels: entry `i` is the sum of
/// the heights before item `i`, and one more entry at the end is the height of the whole list.
/// Finding an item by height is then a binary search, even with thousands of items.
#[derive(Debug, Clone, PartialEq)]
pub struct Offsets(Vec<f64>);

impl Offsets {
    pub fn new(heights: &[f64]) -> Self {
        let mut starts = Vec::with_capacity(heights.len() + 1);
        let mut at = 0.0;
        starts.push(at);
        for height in heights {
            at += height;
            starts.push(at);
        }
        Offsets(starts)
    }

    pub fn len(&self) -> usize {
        self.0.len() - 1
    }

    /// Where item `i` starts; `start(len())` is the height of the whole list.
    pub fn start(&self, i: usize) -> f64 {
        self.0[i]
    }

    pub fn total(&self) -> f64 {
        self.0[self.len()]
    }

    /// The first item that ends below `y`: the one `y` falls in, `len()` past the end.
    fn item_at(&self, y: f64) -> usize {
        self.0[1..].partition_point(|&end| end <= y)
    }

    /// The items between `top` and `bottom` (list coordinates: negative when the list starts
    /// below the top of the viewport), with `overscan` more on each side so a scroll shows
    /// built rows before the next measure. A viewport above or below the list still gets the
    /// `overscan` items nearest to it, so a short list is always built whole.
    pub fn visible(&self, top: f64, bottom: f64, overscan: usize) -> Range<usize> {
        let len = self.len();
        let first = self.item_at(top);
        let last = self.0[..len]
            .partition_point(|&start| start < bottom)
            .max(first);
        first.min(len).saturating_sub(overscan)..(last + overscan).min(len)
    }

    /// The heights of the spacers above and below `range`, which stand for the items not built.
    pub fn spacers(&self, range: &Range<usize>) -> (f64, f64) {
        (
            self.start(range.start),
            self.total() - self.start(range.end),
        )
    }
}

/// How far to scroll so the item at the top of the viewport stays where it is on screen after
/// heights above it changed (measured for the first time, or rows opened all at once). Only
/// items before it count: its own growth goes downwards.
pub fn anchor_shift(before: &Offsets, after: &Offsets, top: f64) -> f64 {
    if top <= 0.0 {
        return 0.0;
    }
    let anchor = before.item_at(top);
    after.start(anchor) - before.start(anchor)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uniform(n: usize, height: f64) -> Offsets {
        Offsets::new(&vec![height; n])
    }

    #[test]
    fn offsets_are_prefix_sums() {
        let offsets = Offsets::new(&[30.0, 100.0, 50.0, 20.0]);
        assert_eq!(offsets.len(), 4);
        assert_eq!(
            (0..=4).map(|i| offsets.start(i)).collect::<Vec<_>>(),
            [0.0, 30.0, 130.0, 180.0, 200.0]
        );
        assert_eq!(offsets.total(), 200.0);
        assert_eq!(Offsets::new(&[]).total(), 0.0);
    }

    #[test]
    fn five_thousand_rows_build_only_the_viewport_and_overscan() {
        let offsets = uniform(5000, 40.0);
        // At the top: 800 px show rows 0..20, and 10 more below.
        assert_eq!(offsets.visible(0.0, 800.0, 10), 0..30);
        assert_eq!(offsets.spacers(&(0..30)), (0.0, 4970.0 * 40.0));
        // In the middle: rows 2500..2520, 10 more on each side.
        assert_eq!(offsets.visible(100_000.0, 100_800.0, 10), 2490..2530);
        assert_eq!(offsets.spacers(&(2490..2530)), (99_600.0, 98_800.0));
        // A row cut by the edge of the viewport is built.
        assert_eq!(offsets.visible(100_020.0, 100_820.0, 0), 2500..2521);
        // At the end.
        assert_eq!(offsets.visible(199_200.0, 200_000.0, 10), 4970..5000);
        assert_eq!(offsets.spacers(&(4970..5000)), (4970.0 * 40.0, 0.0));
    }

    #[test]
    fn rows_of_different_heights_are_found_by_where_they_start() {
        // Starts: 0, 30, 130, 180, 200, 260.
        let offsets = Offsets::new(&[30.0, 100.0, 50.0, 20.0, 60.0]);
        assert_eq!(offsets.visible(0.0, 30.0, 0), 0..1);
        assert_eq!(offsets.visible(30.0, 130.0, 0), 1..2);
        assert_eq!(offsets.visible(129.0, 181.0, 0), 1..4);
        assert_eq!(offsets.visible(190.0, 1000.0, 0), 3..5);
        assert_eq!(offsets.visible(129.0, 181.0, 1), 0..5);
        assert_eq!(offsets.spacers(&(1..4)), (30.0, 60.0));
    }

    #[test]
    fn a_viewport_beside_the_list_still_builds_the_nearest_rows() {
        let offsets = uniform(100, 40.0);
        // The list starts 1,000 px below the bottom of the window.
        assert_eq!(offsets.visible(-1800.0, -1000.0, 10), 0..10);
        // The list ends above the window.
        assert_eq!(offsets.visible(5000.0, 5800.0, 10), 90..100);
        // A handful of rows are all built wherever the list is.
        let few = uniform(6, 40.0);
        for (top, bottom) in [(-5000.0, -4200.0), (0.0, 800.0), (5000.0, 5800.0)] {
            assert_eq!(few.visible(top, bottom, 10), 0..6);
        }
        assert_eq!(Offsets::new(&[]).visible(0.0, 800.0, 10), 0..0);
    }

    #[test]
    fn the_row_at_the_top_keeps_its_place_when_rows_above_it_grow() {
        let before = uniform(100, 40.0);
        let mut heights = vec![40.0; 100];
        heights[48] = 400.0; // above the row at the top: the view moves down with it
        heights[50] = 400.0; // the row at the top itself grows downwards
        heights[60] = 400.0; // below: nothing to do
        let after = Offsets::new(&heights);
        assert_eq!(anchor_shift(&before, &after, 2010.0), 360.0);
        assert_eq!(
            anchor_shift(&before, &after, 0.0),
            0.0,
            "the list top is on screen"
        );
        assert_eq!(anchor_shift(&before, &after, -300.0), 0.0);
    }
}
