//! The response under construction: the RRsets chosen for each section, kept in a
//! reusable arena until the message is rendered.
//!
//! BIND builds a message as lists of names, each with a list of RRsets, and renders it
//! section by section at the end; where an RRset lands in those lists decides name
//! compression and what survives truncation. The plan keeps the same shape: each RRset
//! remembers the first RRset of its section with the same owner (its "name"), and the
//! renderer walks names in the order they were added, then their RRsets in order. The
//! additional section is rendered in BIND's passes ([`additional_pass`]).
//!
//! Owners and records are copied into one byte arena, so the plan borrows nothing and
//! lives in the worker's [`super::Workspace`]; the arena and the entry list are sized once
//! and never grow on the query path (an answer too big for them could not be sent anyway,
//! and is cut short, which truncates it).

use zones::{Class, RType};

use crate::wire::response::{
    Pushed, ResponseWriter, RrsetHead, Section, WriteError, additional_pass,
};

/// The most RRsets a plan holds.
const MAX_ENTRIES: usize = 2048;
/// The bytes of owners and records a plan holds: more than a 64 KiB message can carry.
const ARENA_BYTES: usize = 256 * 1024;

/// One RRset of the response.
#[derive(Clone, Copy, Debug)]
struct Entry {
    section: Section,
    owner: (u32, u8),
    rtype: RType,
    covers: RType,
    class: Class,
    ttl: u32,
    /// Records as 16-bit length and RDATA, one after another.
    data: (u32, u32),
    /// The first entry of this section with the same owner: BIND's message name.
    name: u16,
    /// BIND's `DNS_RDATASETATTR_REQUIRED`: glue answering the question, rendered first.
    required: bool,
}

/// The type, class and TTL of an RRset to add; `covers` is the covered type of an RRSIG
/// entry (0 otherwise).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Head {
    pub(crate) rtype: RType,
    pub(crate) covers: RType,
    pub(crate) class: Class,
    pub(crate) ttl: u32,
}

/// Whether a name, or a name and type, is already in a section
/// (BIND's `dns_message_findname`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Found {
    /// The name has an RRset of the type.
    Rrset,
    /// The name is there, without that type.
    Name,
    /// The name is not in the section.
    Nothing,
}

/// The RRsets of one response.
pub(crate) struct Plan {
    entries: Vec<Entry>,
    arena: Vec<u8>,
    rendered: Vec<bool>,
}

impl Plan {
    /// An empty plan with its storage allocated.
    pub(crate) fn new() -> Self {
        Self {
            entries: Vec::with_capacity(MAX_ENTRIES),
            arena: Vec::with_capacity(ARENA_BYTES),
            rendered: Vec::with_capacity(MAX_ENTRIES),
        }
    }

    /// Forgets everything, keeping the storage.
    pub(crate) fn clear(&mut self) {
        self.entries.clear();
        self.arena.clear();
        self.rendered.clear();
    }

    fn owner(&self, e: &Entry) -> &[u8] {
        let start = e.owner.0 as usize;
        &self.arena[start..start + usize::from(e.owner.1)]
    }

    fn data(&self, e: &Entry) -> &[u8] {
        let start = e.data.0 as usize;
        &self.arena[start..start + e.data.1 as usize]
    }

    /// Whether `section` has `owner` with an RRset of `rtype` (covering `covers`, for
    /// RRSIG entries).
    pub(crate) fn find(
        &self,
        section: Section,
        owner: &[u8],
        rtype: RType,
        covers: RType,
    ) -> Found {
        let mut found = Found::Nothing;
        for e in self.entries.iter().filter(|e| e.section == section) {
            if self.owner(e).eq_ignore_ascii_case(owner) {
                if e.rtype == rtype && e.covers == covers {
                    return Found::Rrset;
                }
                found = Found::Name;
            }
        }
        found
    }

    /// BIND's `query_isduplicate`: whether any section already has `owner`'s `rtype`.
    pub(crate) fn is_duplicate(&self, owner: &[u8], rtype: RType) -> bool {
        [Section::Answer, Section::Authority, Section::Additional]
            .into_iter()
            .any(|s| self.find(s, owner, rtype, RType(0)) == Found::Rrset)
    }

    /// Whether the answer section is empty.
    pub(crate) fn answer_is_empty(&self) -> bool {
        !self.entries.iter().any(|e| e.section == Section::Answer)
    }

    /// Whether the answer and authority sections are both empty.
    pub(crate) fn nothing_authoritative(&self) -> bool {
        !self
            .entries
            .iter()
            .any(|e| e.section != Section::Additional)
    }

    /// Empties the answer, authority and additional sections (BIND's error replies).
    pub(crate) fn clear_sections(&mut self) {
        self.clear();
    }

    /// Appends an RRset (no duplicate check: callers make BIND's). `records` are 16-bit
    /// lengths and RDATA, as [`zones::zone::RRset::wire`] gives them. Returns `false` when
    /// the plan is full and the RRset was left out.
    pub(crate) fn push(
        &mut self,
        section: Section,
        owner: &[u8],
        head: Head,
        records: &[u8],
    ) -> bool {
        let Head {
            rtype,
            covers,
            class,
            ttl,
        } = head;
        if self.entries.len() == MAX_ENTRIES
            || self.arena.len() + owner.len() + records.len() > ARENA_BYTES
            || owner.len() > usize::from(u8::MAX)
        {
            return false;
        }
        let name = self
            .entries
            .iter()
            .position(|e| e.section == section && self.owner(e).eq_ignore_ascii_case(owner))
            .unwrap_or(self.entries.len());
        let owner_at = self.arena.len() as u32;
        self.arena.extend_from_slice(owner);
        let data_at = self.arena.len() as u32;
        self.arena.extend_from_slice(records);
        self.entries.push(Entry {
            section,
            owner: (owner_at, owner.len() as u8),
            rtype,
            covers,
            class,
            ttl,
            data: (data_at, records.len() as u32),
            name: name as u16,
            required: false,
        });
        true
    }

    /// Marks the additional RRset of `owner` and `rtype` as required glue and moves its
    /// name to the front of the section (BIND's `query_glueanswer`). Returns whether one
    /// was found.
    pub(crate) fn require_glue(&mut self, owner: &[u8], rtype: RType) -> bool {
        let Some(i) = self.entries.iter().position(|e| {
            e.section == Section::Additional
                && e.rtype == rtype
                && self.owner(e).eq_ignore_ascii_case(owner)
        }) else {
            return false;
        };
        self.entries[i].required = true;
        true
    }

    /// Writes the plan into `w`, section by section, as BIND renders a message.
    pub(crate) fn render(
        &mut self,
        w: &mut ResponseWriter<'_, '_>,
        client_is_ipv6: bool,
    ) -> Result<(), WriteError> {
        self.rendered.clear();
        self.rendered.resize(self.entries.len(), false);
        for section in [Section::Answer, Section::Authority] {
            for first in 0..self.entries.len() {
                let e = self.entries[first];
                if e.section != section || usize::from(e.name) != first {
                    continue;
                }
                for i in first..self.entries.len() {
                    let e = self.entries[i];
                    if e.section == section && usize::from(e.name) == first {
                        self.rendered[i] = true;
                        if self.write(w, i, false)? == Pushed::Truncated {
                            return Ok(());
                        }
                    }
                }
            }
        }
        self.render_additional(w, client_is_ipv6)
    }

    fn render_additional(
        &mut self,
        w: &mut ResponseWriter<'_, '_>,
        client_is_ipv6: bool,
    ) -> Result<(), WriteError> {
        let required = self
            .entries
            .iter()
            .position(|e| e.section == Section::Additional && e.required);
        if let Some(i) = required {
            self.rendered[i] = true;
            match self.write(w, i, true)? {
                Pushed::Written => {}
                _ => return Ok(()),
            }
        }
        // The required RRset's name goes first, as BIND moves it to the section's head.
        let front = required.map(|i| usize::from(self.entries[i].name));
        for pass in (1..=4u8).rev() {
            let names = front
                .into_iter()
                .chain((0..self.entries.len()).filter(|&first| {
                    let e = &self.entries[first];
                    e.section == Section::Additional
                        && usize::from(e.name) == first
                        && Some(first) != front
                }));
            for first in names {
                for i in first..self.entries.len() {
                    let e = self.entries[i];
                    if e.section != Section::Additional
                        || usize::from(e.name) != first
                        || self.rendered[i]
                        || additional_pass(e.rtype, e.class, client_is_ipv6) < pass
                    {
                        continue;
                    }
                    self.rendered[i] = true;
                    if self.write(w, i, false)? != Pushed::Written {
                        return Ok(());
                    }
                }
            }
        }
        Ok(())
    }

    fn write(
        &self,
        w: &mut ResponseWriter<'_, '_>,
        i: usize,
        required: bool,
    ) -> Result<Pushed, WriteError> {
        let e = &self.entries[i];
        let head = RrsetHead {
            owner: self.owner(e),
            rtype: e.rtype,
            class: e.class,
            ttl: e.ttl,
        };
        let records = Records { wire: self.data(e) };
        if required {
            w.push_required(&head, records)
        } else {
            w.push(e.section, &head, records)
        }
    }
}

/// The RDATA of records stored as 16-bit length and bytes.
#[derive(Clone)]
pub(crate) struct Records<'a> {
    pub(crate) wire: &'a [u8],
}

impl<'a> Iterator for Records<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        let (len, rest) = self.wire.split_first_chunk::<2>()?;
        let (rdata, rest) = rest.split_at_checked(usize::from(u16::from_be_bytes(*len)))?;
        self.wire = rest;
        Some(rdata)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_group_and_duplicates_are_found() {
        let mut plan = Plan::new();
        let a = b"\x01a\x00";
        let records = [0u8, 4, 192, 0, 2, 1];
        assert!(plan.push(
            Section::Answer,
            a,
            Head {
                rtype: RType::A,
                covers: RType(0),
                class: Class::IN,
                ttl: 5
            },
            &records
        ));
        assert_eq!(
            plan.find(Section::Answer, b"\x01A\x00", RType::A, RType(0)),
            Found::Rrset
        );
        assert_eq!(
            plan.find(Section::Answer, a, RType::AAAA, RType(0)),
            Found::Name
        );
        assert_eq!(
            plan.find(Section::Additional, a, RType::A, RType(0)),
            Found::Nothing
        );
        assert!(plan.is_duplicate(a, RType::A));
        assert!(!plan.is_duplicate(a, RType::TXT));
        assert!(!plan.answer_is_empty());
        plan.clear_sections();
        assert!(plan.nothing_authoritative());
        let recs: Vec<&[u8]> = Records { wire: &records }.collect();
        assert_eq!(recs, vec![&[192u8, 0, 2, 1][..]]);
    }
}
