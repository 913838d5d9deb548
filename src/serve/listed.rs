//! Every finding of the preview as one sorted list that shares the lists the findings are kept
//! in: an archive can have a finding per story, an edit changes a few of them, and copying
//! them all into a new list on every save was most of the save's time.

use std::collections::HashSet;
use std::sync::Arc;

use crate::diag::Diagnostic;

/// Findings kept in several shared lists (`parts`), seen as one list in the order of
/// [`Diagnostic::order`], without repeats.
#[derive(Debug, Default)]
pub struct Listed {
    parts: Vec<Arc<[Diagnostic]>>,
    /// Where each finding is: (part, place in the part), in order.
    order: Vec<(u32, u32)>,
}

impl Listed {
    pub fn new(parts: Vec<Arc<[Diagnostic]>>) -> Listed {
        let at = |&(part, place): &(u32, u32)| &parts[part as usize][place as usize];
        let mut order: Vec<(u32, u32)> = parts
            .iter()
            .enumerate()
            .flat_map(|(part, found)| {
                (0..found.len()).map(move |place| (part as u32, place as u32))
            })
            .collect();
        // Mostly runs already in order (each part is), which the sort merges; it is stable, so
        // findings that sort alike keep the order of their parts.
        order.sort_by(|a, b| Diagnostic::order(at(a), at(b)));
        order.dedup_by(|a, b| at(a) == at(b));
        Listed { parts, order }
    }

    fn len(&self) -> usize {
        self.order.len()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> + '_ {
        self.order
            .iter()
            .map(|&(part, place)| &self.parts[part as usize][place as usize])
    }

    pub fn to_vec(&self) -> Vec<Diagnostic> {
        self.iter().cloned().collect()
    }

    /// The findings of this list that `before` does not have. Those of a part both lists share
    /// (the texts an update did not check again) are passed over; the others are looked up.
    pub fn new_since(&self, before: &Listed) -> Vec<Diagnostic> {
        let shared: HashSet<*const Diagnostic> =
            before.parts.iter().map(|part| part.as_ptr()).collect();
        let changed: Vec<&Diagnostic> = self
            .order
            .iter()
            .filter(|&&(part, _)| !shared.contains(&self.parts[part as usize].as_ptr()))
            .map(|&(part, place)| &self.parts[part as usize][place as usize])
            .collect();
        if changed.is_empty() {
            return Vec::new();
        }
        let known: Vec<&Diagnostic> = before.iter().collect();
        changed
            .into_iter()
            .filter(|&finding| {
                let first = known.partition_point(|&k| Diagnostic::order(k, finding).is_lt());
                // Findings that sort alike may differ in their hints: any of them may be this
                // one.
                !known[first..]
                    .iter()
                    .take_while(|&&k| Diagnostic::order(k, finding).is_eq())
                    .any(|&k| k == finding)
            })
            .cloned()
            .collect()
    }
}

impl PartialEq for Listed {
    fn eq(&self, other: &Listed) -> bool {
        self.len() == other.len()
            && self
                .iter()
                .zip(other.iter())
                .all(|(a, b)| std::ptr::eq(a, b) || a == b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Code;

    fn finding(path: &str, line: usize, hint: &str) -> Diagnostic {
        Diagnostic::new(Code::ImageTooSmall, path, "small")
            .at(line, 1)
            .with_hint(hint)
    }

    fn part(found: Vec<Diagnostic>) -> Arc<[Diagnostic]> {
        Arc::from(found)
    }

    #[test]
    fn parts_are_listed_in_order_without_repeats() {
        let a = finding("content/a.md", 2, "h");
        let b = finding("content/b.md", 1, "h");
        let c = finding("content/c.md", 9, "h");
        let listed = Listed::new(vec![
            part(vec![c.clone()]),
            part(vec![a.clone(), b.clone()]),
            part(vec![b.clone()]),
        ]);
        let mut expected = vec![c, a, b.clone(), b];
        Diagnostic::sort(&mut expected);
        expected.dedup();
        assert_eq!(listed.to_vec(), expected);
        assert_eq!(listed.len(), 3);
        assert_eq!(Listed::default().iter().count(), 0);
    }

    #[test]
    fn new_findings_are_the_ones_not_there_before() {
        let copied = |found: Vec<Diagnostic>| Listed::new(vec![Arc::from(found)]);
        let before = copied(vec![
            finding("content/a.md", 1, "h"),
            finding("content/b.md", 1, "h"),
            finding("content/c.md", 1, "h"),
            finding("content/c.md", 1, "i"),
        ]);
        let after = copied(vec![
            finding("content/a.md", 1, "h"),
            finding("content/a.md", 2, "h"),
            finding("content/c.md", 1, "i"),
            finding("content/c.md", 1, "j"),
            finding("content/d.md", 1, "h"),
        ]);
        assert_eq!(
            after.new_since(&before),
            vec![
                finding("content/a.md", 2, "h"),
                finding("content/c.md", 1, "j"),
                finding("content/d.md", 1, "h"),
            ]
        );
        assert!(after.new_since(&after).is_empty());
        assert_eq!(after.new_since(&Listed::default()), after.to_vec());
    }

    #[test]
    fn new_findings_are_found_whether_shared_or_copied() {
        let shared = part(vec![
            finding("content/a.md", 1, "h"),
            finding("content/b.md", 1, "h"),
        ]);
        let before = Listed::new(vec![
            Arc::clone(&shared),
            part(vec![finding("content/c.md", 1, "old")]),
        ]);
        let after = Listed::new(vec![
            Arc::clone(&shared),
            // Sorts like a finding of before but has another hint: new.
            part(vec![finding("content/c.md", 1, "new")]),
            // A copy of a finding of before: not new.
            part(vec![finding("content/a.md", 1, "h")]),
            part(vec![finding("content/d.md", 4, "h")]),
        ]);
        assert_eq!(
            after.new_since(&before),
            vec![
                finding("content/c.md", 1, "new"),
                finding("content/d.md", 4, "h")
            ]
        );
        assert!(after.new_since(&after).is_empty());
        assert_eq!(after.new_since(&Listed::default()), after.to_vec());
        assert!(
            before
                .new_since(&after)
                .iter()
                .all(|f| f.hint.as_deref() == Some("old"))
        );
        // Equal whether the findings are shared or copied.
        let copied = Listed::new(vec![part(after.to_vec())]);
        assert!(after == copied);
        assert!(after != before);
    }
}
