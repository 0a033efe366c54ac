//! Recursive-descent parser from (NFC-normalised) policy text to the canonical tree.
//!
//! Recursion is bounded: every `(` increments a nesting counter that is checked
//! against [`MAX_POLICY_DEPTH`] *before* descending, so hostile input cannot exhaust
//! the stack. Leaves and gate widths are counted as they are read.

use super::lexer::{syntax, Lexer, Tok, Token};
use super::node::PolicyNode;
use super::{MAX_GATE_CHILDREN, MAX_POLICY_DEPTH, MAX_POLICY_LEAVES};
use crate::error::{Error, LimitKind, Result};

/// Parses a whole policy text into a canonical (flattened) tree.
pub(crate) fn parse_tree(text: &str) -> Result<PolicyNode> {
    let mut p = Parser {
        lx: Lexer::new(text),
        nesting: 0,
        leaves: 0,
    };
    let root = p.or_expr()?;
    let t = p.lx.next_token()?;
    match t.tok {
        Tok::End => Ok(root),
        Tok::RParen => Err(syntax(t.pos, "unmatched ')'")),
        other => Err(syntax(
            t.pos,
            format!(
                "expected 'and', 'or' or the end of the policy, found {}",
                other.describe()
            ),
        )),
    }
}

#[derive(Debug)]
struct Parser<'a> {
    lx: Lexer<'a>,
    /// Open parentheses around the current position.
    nesting: usize,
    leaves: usize,
}

/// Appends `node` to `out`, splicing in its children if it is the same gate kind
/// (so `a and (b and c)` becomes `And[a, b, c]`).
fn push_flat(out: &mut Vec<PolicyNode>, node: PolicyNode, is_same: fn(&PolicyNode) -> bool) {
    if is_same(&node) {
        if let PolicyNode::And(children) | PolicyNode::Or(children) = node {
            out.extend(children);
        }
    } else {
        out.push(node);
    }
}

impl Parser<'_> {
    /// `or_expr = and_expr { "or" and_expr }`
    fn or_expr(&mut self) -> Result<PolicyNode> {
        let first = self.and_expr()?;
        if self.lx.peek()?.tok != Tok::Or {
            return Ok(first);
        }
        let mut children = Vec::new();
        push_flat(&mut children, first, |n| matches!(n, PolicyNode::Or(_)));
        while self.lx.peek()?.tok == Tok::Or {
            self.lx.next_token()?;
            let next = self.and_expr()?;
            push_flat(&mut children, next, |n| matches!(n, PolicyNode::Or(_)));
        }
        Ok(PolicyNode::Or(children))
    }

    /// `and_expr = term { "and" term }`
    fn and_expr(&mut self) -> Result<PolicyNode> {
        let first = self.term()?;
        if self.lx.peek()?.tok != Tok::And {
            return Ok(first);
        }
        let mut children = Vec::new();
        push_flat(&mut children, first, |n| matches!(n, PolicyNode::And(_)));
        while self.lx.peek()?.tok == Tok::And {
            self.lx.next_token()?;
            let next = self.term()?;
            push_flat(&mut children, next, |n| matches!(n, PolicyNode::And(_)));
        }
        Ok(PolicyNode::And(children))
    }

    /// `term = attribute | "(" or_expr ")" | count "of" "(" or_expr { "," or_expr } ")"`
    fn term(&mut self) -> Result<PolicyNode> {
        let Token { tok, pos } = self.lx.next_token()?;
        match tok {
            Tok::Attr(a) => {
                self.leaves += 1;
                if self.leaves > MAX_POLICY_LEAVES {
                    return Err(Error::LimitExceeded(LimitKind::PolicyLeaves));
                }
                Ok(PolicyNode::Leaf(a))
            }
            Tok::LParen => {
                self.open()?;
                let inner = self.or_expr()?;
                self.close("expected 'and', 'or' or ')'")?;
                Ok(inner)
            }
            Tok::Number(k) => self.threshold(k, pos),
            other => Err(syntax(
                pos,
                format!(
                    "expected an attribute, '(' or a threshold 'k of (…)', found {}",
                    other.describe()
                ),
            )),
        }
    }

    /// The rest of `k of (c1, c2, …)` after the count at `pos`.
    fn threshold(&mut self, k: usize, pos: usize) -> Result<PolicyNode> {
        let t = self.lx.next_token()?;
        if t.tok != Tok::Of {
            return Err(syntax(
                t.pos,
                format!(
                    "expected 'of' after the threshold count, found {}",
                    t.tok.describe()
                ),
            ));
        }
        let t = self.lx.next_token()?;
        if t.tok != Tok::LParen {
            return Err(syntax(
                t.pos,
                format!("expected '(' after 'of', found {}", t.tok.describe()),
            ));
        }
        self.open()?;
        let mut children = vec![self.or_expr()?];
        loop {
            let t = self.lx.next_token()?;
            match t.tok {
                Tok::Comma => {
                    if children.len() == MAX_GATE_CHILDREN {
                        return Err(Error::LimitExceeded(LimitKind::GateWidth));
                    }
                    children.push(self.or_expr()?);
                }
                Tok::RParen => break,
                other => {
                    return Err(syntax(
                        t.pos,
                        format!(
                            "expected 'and', 'or', ',' or ')', found {}",
                            other.describe()
                        ),
                    ));
                }
            }
        }
        self.nesting -= 1;
        let n = children.len();
        if n < 2 {
            return Err(syntax(
                pos,
                "a threshold needs at least 2 children: write the single child alone",
            ));
        }
        if k == 0 || k > n {
            return Err(syntax(
                pos,
                format!("threshold {k} of {n} is out of range: need 1 ≤ k ≤ {n}"),
            ));
        }
        Ok(PolicyNode::Threshold { k, children })
    }

    /// Enters a parenthesis, refusing to nest deeper than the limit.
    fn open(&mut self) -> Result<()> {
        self.nesting += 1;
        if self.nesting > MAX_POLICY_DEPTH {
            return Err(Error::LimitExceeded(LimitKind::PolicyDepth));
        }
        Ok(())
    }

    /// Consumes the `)` of a group.
    fn close(&mut self, expected: &str) -> Result<()> {
        let t = self.lx.next_token()?;
        if t.tok != Tok::RParen {
            return Err(syntax(
                t.pos,
                format!("{expected}, found {}", t.tok.describe()),
            ));
        }
        self.nesting -= 1;
        Ok(())
    }
}
