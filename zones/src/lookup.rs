//! Finding the answer to a query in a zone: RFC 1034 §4.3.2 with wildcards (RFC 4592),
//! DNAME (RFC 6672), delegations, glue and empty non-terminals.
//!
//! [`Zone::lookup`] returns a [`Lookup`]: a small enum of borrowed views that the response
//! writer turns into a message. It neither allocates nor copies the query name: the name is
//! hashed as it came off the wire, one suffix after another.

use crate::name::{MAX_NAME_LEN, NameError};
use crate::types::RType;
use crate::zone::wire::LabelOffsets;
use crate::zone::{Node, RRset, Zone};

/// The closest encloser of a name answered from a wildcard (RFC 4592 §3.3.1): the node whose
/// `*` child supplied the data. The data's node is the `*` node; the answer's owner is the
/// query name. DNSSEC proofs (RFC 4035 §3.1.3.3) need both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wildcard<'a> {
    /// The closest encloser of the query name.
    pub closest_encloser: Node<'a>,
}

/// The result of looking a name and type up in a zone.
///
/// In every answer the owner to write is the query name (for a wildcard answer too:
/// RFC 4592 §3.3.1 synthesises the owner). A referral's and a DNAME's owner is its node's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup<'a> {
    /// The name has an RRset of the type asked for (RFC 1034 §4.3.2 step 3a).
    Answer {
        /// The node holding the data (the `*` node for a wildcard answer).
        node: Node<'a>,
        /// The RRset; its signatures are [`RRset::signatures`].
        rrset: RRset<'a>,
        /// Set when the data came from a wildcard.
        wildcard: Option<Wildcard<'a>>,
    },
    /// A query for type ANY, or for RRSIG, found data: answer with the node's RRsets
    /// ([`Node::rrsets`]): all of them for ANY, the RRSIG entries for RRSIG (as BIND does,
    /// no CNAME is followed for either).
    Any {
        /// The node holding the data (the `*` node for a wildcard answer).
        node: Node<'a>,
        /// Set when the data came from a wildcard.
        wildcard: Option<Wildcard<'a>>,
    },
    /// The name owns a CNAME and the type asked for is neither CNAME nor one of those that
    /// live beside it (RFC 1034 §4.3.2 step 3a). Answer with the CNAME and look its target
    /// ([`Lookup::cname_target`]) up again, in this zone if it is below the origin.
    Cname {
        /// The node holding the CNAME (the `*` node for a wildcard answer).
        node: Node<'a>,
        /// The CNAME RRset (one record).
        rrset: RRset<'a>,
        /// Set when the CNAME came from a wildcard.
        wildcard: Option<Wildcard<'a>>,
    },
    /// An ancestor of the name owns a DNAME (RFC 6672 §3.2): answer with the DNAME and a
    /// CNAME synthesised with [`substitute_dname`], then follow it.
    Dname {
        /// The DNAME's owner.
        node: Node<'a>,
        /// The DNAME RRset (one record).
        rrset: RRset<'a>,
    },
    /// The name is at or below a delegation point (RFC 1034 §4.3.2 step 3b): refer to the
    /// NS records, with glue from [`Zone::glue`]. DS at the delegation point itself (RFC
    /// 4035 §2.4), and NSEC and KEY there, are answered from the parent side instead.
    Referral {
        /// The delegation point (the topmost one above the name).
        cut: Node<'a>,
        /// Its NS RRset.
        ns: RRset<'a>,
    },
    /// The name exists but has no data of the type asked for; it may be an empty
    /// non-terminal. Answer NOERROR with the SOA in the authority section.
    NoData {
        /// The node (the `*` node for a wildcard match).
        node: Node<'a>,
        /// Set when the name matched a wildcard.
        wildcard: Option<Wildcard<'a>>,
    },
    /// The name does not exist and no wildcard covers it (RFC 1034 §4.3.2 step 3c).
    NxDomain {
        /// The deepest existing ancestor of the name (RFC 4592 §3.3.1); for NSEC and NSEC3
        /// proofs.
        closest_encloser: Node<'a>,
    },
    /// The name is not at or below the zone's origin, or is not a valid wire-form name.
    NotInZone,
}

impl<'a> Lookup<'a> {
    /// The target of a CNAME answer, in wire form, to look up next.
    pub fn cname_target(&self) -> Option<&'a [u8]> {
        match self {
            Lookup::Cname { rrset, .. } => rrset.rdatas().next(),
            _ => None,
        }
    }
}

impl Zone {
    /// Looks `qname` (uncompressed wire form, any case, exactly one name) up for `qtype`,
    /// following RFC 1034 §4.3.2 as BIND 9.18 does.
    ///
    /// The zone cut nearest the apex wins over anything below it, and an NS below the apex
    /// wins over a DNAME at the same name. A wildcard `*.<closest encloser>` answers for
    /// names that do not exist (RFC 4592 §3.3.1); an existing name, an empty non-terminal
    /// on the way included, blocks it. Names holding only NSEC3 records are outside the
    /// namespace searched. Types KEY and NSEC are not redirected by a CNAME (RFC 4035 §2.5,
    /// RFC 3007). Does not allocate.
    pub fn lookup(&self, qname: &[u8], qtype: RType) -> Lookup<'_> {
        let Some(labels) = LabelOffsets::parse(qname) else {
            return Lookup::NotInZone;
        };
        let total = labels.count();
        let origin_labels = self.apex().label_count();
        if total < origin_labels
            || !qname[labels.start(total - origin_labels)..]
                .eq_ignore_ascii_case(self.origin().as_wire())
        {
            return Lookup::NotInZone;
        }
        // The deepest existing node on the way from the name up to the apex: the name
        // itself (strip 0) or its closest encloser.
        let below_origin = total - origin_labels;
        let Some((strip, encloser)) = (0..=below_origin).find_map(|strip| {
            self.find(&qname[labels.start(strip)..])
                .map(|i| (strip, self.node_at(i)))
                .filter(|(_, node)| !node.is_nsec3_only())
        }) else {
            return Lookup::NotInZone;
        };
        let exact = strip == 0;
        if encloser.is_occluded() || (!exact && (encloser.is_delegation() || encloser.has_dname()))
        {
            return self.above_cut(qname, &labels, strip, encloser);
        }
        if exact {
            return self.at_name(encloser, qtype);
        }
        // A wildcard never owns NS records: the builder refuses them, as BIND does.
        match self.wildcard_child(qname, &labels, strip, encloser) {
            Some(source) => answer_at(
                source,
                qtype,
                Some(Wildcard {
                    closest_encloser: encloser,
                }),
            ),
            None => Lookup::NxDomain {
                closest_encloser: encloser,
            },
        }
    }

    /// The answer for a name below a delegation point or a DNAME: walks up from the
    /// closest encloser to the topmost such node.
    fn above_cut<'a>(
        &'a self,
        qname: &[u8],
        labels: &LabelOffsets,
        mut strip: usize,
        mut node: Node<'a>,
    ) -> Lookup<'a> {
        while node.is_occluded() {
            strip += 1;
            // Every ancestor of a node below the apex is a node too.
            match self.find(&qname[labels.start(strip)..]) {
                Some(i) => node = self.node_at(i),
                None => {
                    return Lookup::NxDomain {
                        closest_encloser: node,
                    };
                }
            }
        }
        if node.is_delegation() {
            return referral(node);
        }
        match node.rrset(RType::DNAME) {
            Some(rrset) => Lookup::Dname { node, rrset },
            None => Lookup::NxDomain {
                closest_encloser: node,
            },
        }
    }

    /// The answer at an existing, authoritative-or-delegation node named exactly.
    fn at_name<'a>(&'a self, node: Node<'a>, qtype: RType) -> Lookup<'a> {
        if node.is_delegation() {
            // The parent side's data at a cut: DS (RFC 4035 §2.4), and BIND also answers
            // NSEC and KEY there rather than referring.
            match qtype {
                RType::DS => return answer_at(node, qtype, None),
                RType::NSEC | KEY => {
                    if let Some(rrset) = node.rrset(qtype) {
                        return Lookup::Answer {
                            node,
                            rrset,
                            wildcard: None,
                        };
                    }
                }
                _ => {}
            }
            return referral(node);
        }
        answer_at(node, qtype, None)
    }

    /// The `*` child of the closest encloser, when it has one.
    fn wildcard_child<'a>(
        &'a self,
        qname: &[u8],
        labels: &LabelOffsets,
        strip: usize,
        encloser: Node<'a>,
    ) -> Option<Node<'a>> {
        if !encloser.has_wildcard_child() {
            return None;
        }
        let suffix = &qname[labels.start(strip)..];
        // `*.` plus a suffix that lost at least one label of two or more octets fits.
        let mut buf = [0u8; MAX_NAME_LEN];
        let len = 2 + suffix.len();
        buf[0] = 1;
        buf[1] = b'*';
        buf[2..len].copy_from_slice(suffix);
        self.find(&buf[..len]).map(|i| self.node_at(i))
    }
}

/// KEY (RFC 2535) is answered beside a CNAME and at a delegation point, as BIND does.
const KEY: RType = RType(25);

fn referral(cut: Node<'_>) -> Lookup<'_> {
    match cut.rrset(RType::NS) {
        Some(ns) => Lookup::Referral { cut, ns },
        None => Lookup::NoData {
            node: cut,
            wildcard: None,
        },
    }
}

/// The answer from `node`'s own data.
fn answer_at<'a>(node: Node<'a>, qtype: RType, wildcard: Option<Wildcard<'a>>) -> Lookup<'a> {
    let found = match qtype {
        RType::ANY => !node.is_empty_nonterminal(),
        RType::RRSIG => node.rrsets().any(|r| r.rtype() == RType::RRSIG),
        _ => {
            if let Some(rrset) = node.rrset(qtype) {
                return Lookup::Answer {
                    node,
                    rrset,
                    wildcard,
                };
            }
            if qtype != KEY
                && qtype != RType::NSEC
                && let Some(rrset) = node.rrset(RType::CNAME)
            {
                return Lookup::Cname {
                    node,
                    rrset,
                    wildcard,
                };
            }
            false
        }
    };
    if found {
        Lookup::Any { node, wildcard }
    } else {
        Lookup::NoData { node, wildcard }
    }
}

/// The name a DNAME substitutes for `qname` (RFC 6672 §2.2): `qname` with the DNAME's owner
/// suffix replaced by its target, written into `buf`. All three are wire-form names; the
/// owner must be a proper ancestor of `qname`. [`NameError::TooLong`] means the result would
/// exceed 255 octets, which the server answers with YXDOMAIN (RFC 6672 §2.2).
pub fn substitute_dname<'b>(
    qname: &[u8],
    owner: &[u8],
    target: &[u8],
    buf: &'b mut [u8; MAX_NAME_LEN],
) -> Result<&'b [u8], NameError> {
    let labels = LabelOffsets::parse(qname).ok_or(NameError::BadWire)?;
    let owner_labels = LabelOffsets::parse(owner)
        .ok_or(NameError::BadWire)?
        .count();
    LabelOffsets::parse(target).ok_or(NameError::BadWire)?;
    if owner_labels >= labels.count()
        || !qname[labels.start(labels.count() - owner_labels)..].eq_ignore_ascii_case(owner)
    {
        return Err(NameError::BadWire);
    }
    let prefix = &qname[..labels.start(labels.count() - owner_labels)];
    let len = prefix.len() + target.len();
    if len > MAX_NAME_LEN {
        return Err(NameError::TooLong);
    }
    buf[..prefix.len()].copy_from_slice(prefix);
    buf[prefix.len()..len].copy_from_slice(target);
    Ok(&buf[..len])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::name::Name;

    fn n(s: &str) -> Name {
        Name::from_text(s, None).expect("valid test name")
    }

    #[test]
    fn rfc6672_section_2_2_substitution() {
        let mut buf = [0u8; MAX_NAME_LEN];
        let out = substitute_dname(
            n("a.b.Example.").as_wire(),
            n("example.").as_wire(),
            n("example.net.").as_wire(),
            &mut buf,
        )
        .expect("fits");
        assert_eq!(out, n("a.b.example.net.").as_wire());
    }

    #[test]
    fn rfc6672_section_2_2_overflow_is_yxdomain() {
        let long_label = "a".repeat(63);
        let qname = n(&format!("{long_label}.{long_label}.{long_label}.x."));
        let target = n(&format!("{long_label}.{long_label}."));
        let mut buf = [0u8; MAX_NAME_LEN];
        assert_eq!(
            substitute_dname(
                qname.as_wire(),
                n("x.").as_wire(),
                target.as_wire(),
                &mut buf
            ),
            Err(NameError::TooLong)
        );
    }

    #[test]
    fn dname_owner_must_be_a_proper_ancestor() {
        let mut buf = [0u8; MAX_NAME_LEN];
        let name = n("example.");
        assert!(
            substitute_dname(name.as_wire(), name.as_wire(), name.as_wire(), &mut buf).is_err()
        );
        assert!(
            substitute_dname(
                n("a.example.").as_wire(),
                n("other.").as_wire(),
                name.as_wire(),
                &mut buf
            )
            .is_err()
        );
    }
}
