//! Tokens of the policy language, read lazily so that the first error in the text is
//! the one reported.

use super::attribute::{is_bare, is_bare_char, is_forbidden, Attribute, AttributeProblem};
use crate::error::{Error, PolicySyntaxError, Result};

/// One token of policy text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Tok {
    LParen,
    RParen,
    Comma,
    And,
    Or,
    Of,
    /// A decimal count (saturated far above any valid threshold).
    Number(usize),
    Attr(Attribute),
    End,
}

impl Tok {
    /// How the token is named in "found …" messages.
    pub(crate) fn describe(&self) -> String {
        match self {
            Self::LParen => "'('".into(),
            Self::RParen => "')'".into(),
            Self::Comma => "','".into(),
            Self::And => "'and'".into(),
            Self::Or => "'or'".into(),
            Self::Of => "'of'".into(),
            Self::Number(n) => format!("the number {n}"),
            Self::Attr(a) => format!("the attribute {}", shorten(a.as_str())),
            Self::End => "the end of the policy".into(),
        }
    }
}

/// A token and the byte offset where it starts.
#[derive(Clone, Debug)]
pub(crate) struct Token {
    pub(crate) tok: Tok,
    pub(crate) pos: usize,
}

/// Numbers are saturated here; any count above the gate width limit is rejected anyway.
const NUMBER_CAP: usize = 1_000_000;

pub(crate) fn syntax(position: usize, message: impl Into<String>) -> Error {
    Error::PolicySyntax(PolicySyntaxError {
        position,
        message: message.into(),
    })
}

/// Quotes a piece of input for an error message, cut to a readable length.
fn shorten(s: &str) -> String {
    const MAX_CHARS: usize = 40;
    let mut out: String = s.chars().take(MAX_CHARS).collect();
    if s.chars().nth(MAX_CHARS).is_some() {
        out.push('…');
    }
    format!("'{}'", out.escape_debug())
}

/// A lazy tokenizer over NFC-normalised policy text.
#[derive(Debug)]
pub(crate) struct Lexer<'a> {
    text: &'a str,
    pos: usize,
    peeked: Option<Token>,
}

impl<'a> Lexer<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        Lexer {
            text,
            pos: 0,
            peeked: None,
        }
    }

    /// The next token without consuming it.
    pub(crate) fn peek(&mut self) -> Result<&Token> {
        if self.peeked.is_none() {
            self.peeked = Some(self.lex()?);
        }
        match &self.peeked {
            Some(t) => Ok(t),
            // Unreachable: filled just above.
            None => Err(syntax(self.pos, "internal lexer error")),
        }
    }

    /// Consumes and returns the next token.
    pub(crate) fn next_token(&mut self) -> Result<Token> {
        match self.peeked.take() {
            Some(t) => Ok(t),
            None => self.lex(),
        }
    }

    fn rest(&self) -> &'a str {
        self.text.get(self.pos..).unwrap_or("")
    }

    fn lex(&mut self) -> Result<Token> {
        let rest = self.rest();
        let trimmed = rest.trim_start_matches([' ', '\t', '\n', '\r']);
        self.pos += rest.len() - trimmed.len();
        let start = self.pos;
        let Some(c) = trimmed.chars().next() else {
            return Ok(Token {
                tok: Tok::End,
                pos: start,
            });
        };
        let single = |tok| Token { tok, pos: start };
        match c {
            '(' => {
                self.pos += 1;
                Ok(single(Tok::LParen))
            }
            ')' => {
                self.pos += 1;
                Ok(single(Tok::RParen))
            }
            ',' => {
                self.pos += 1;
                Ok(single(Tok::Comma))
            }
            '"' => self.quoted(start),
            c if is_bare_char(c) || c == ':' => self.word(start, trimmed),
            c if c.is_alphanumeric() => Err(syntax(
                start,
                format!(
                    "unexpected character {}: an attribute with characters other than \
                     A-Z a-z 0-9 _ . - / # must be in double quotes",
                    shorten(c.encode_utf8(&mut [0; 4]))
                ),
            )),
            c => Err(syntax(
                start,
                format!(
                    "unexpected character {}",
                    shorten(c.encode_utf8(&mut [0; 4]))
                ),
            )),
        }
    }

    /// A maximal run of bare-attribute characters and `:`: a keyword, a number or a
    /// bare attribute.
    fn word(&mut self, start: usize, text: &str) -> Result<Token> {
        let len = text
            .find(|c: char| !(is_bare_char(c) || c == ':'))
            .unwrap_or(text.len());
        let word = text.get(..len).unwrap_or("");
        // A letter or digit outside the bare set right after the word (`role:Ärzt`): the
        // problem is that character, not the word before it.
        if let Some(c) = text.get(len..).and_then(|t| t.chars().next()) {
            if c.is_alphanumeric() {
                return Err(syntax(
                    start + len,
                    format!(
                        "unexpected character {} in an attribute: an attribute with characters \
                         other than A-Z a-z 0-9 _ . - / # must be in double quotes",
                        shorten(c.encode_utf8(&mut [0; 4]))
                    ),
                ));
            }
        }
        self.pos += len;
        let tok = match word {
            "and" => Tok::And,
            "or" => Tok::Or,
            "of" => Tok::Of,
            w if w.bytes().all(|b| b.is_ascii_digit()) => {
                if w.len() > 1 && w.starts_with('0') {
                    return Err(syntax(start, "a threshold count has no leading zeros"));
                }
                let n = w.bytes().try_fold(0usize, |n, b| {
                    n.checked_mul(10)?.checked_add(usize::from(b - b'0'))
                });
                Tok::Number(n.unwrap_or(NUMBER_CAP).min(NUMBER_CAP))
            }
            w if is_bare(w) => {
                Tok::Attr(Attribute::from_text(w).map_err(AttributeProblem::into_error)?)
            }
            w if matches!(w.to_ascii_lowercase().as_str(), "and" | "or" | "of") => {
                return Err(syntax(
                    start,
                    format!(
                        "keywords are lowercase: write '{}' instead of {}",
                        w.to_ascii_lowercase(),
                        shorten(w)
                    ),
                ));
            }
            w => {
                return Err(syntax(
                    start,
                    format!(
                        "{} is not an attribute: write namespace:value or put it in double quotes",
                        shorten(w)
                    ),
                ));
            }
        };
        Ok(Token { tok, pos: start })
    }

    /// A quoted attribute `"…"`; the only escapes are `\"` and `\\`.
    fn quoted(&mut self, start: usize) -> Result<Token> {
        let body = self.text.get(start + 1..).unwrap_or("");
        let mut content = String::new();
        let mut chars = body.char_indices();
        while let Some((i, c)) = chars.next() {
            let at = start + 1 + i;
            match c {
                '"' => {
                    self.pos = at + 1;
                    if content.is_empty() {
                        return Err(syntax(start, "empty quoted attribute"));
                    }
                    let attr = Attribute::from_text(&content).map_err(|p| match p {
                        AttributeProblem::Empty => syntax(start, "empty quoted attribute"),
                        AttributeProblem::ForbiddenChar(_) => {
                            syntax(start, "forbidden character in attribute")
                        }
                        AttributeProblem::TooLong => p.into_error(),
                    })?;
                    return Ok(Token {
                        tok: Tok::Attr(attr),
                        pos: start,
                    });
                }
                '\\' => {
                    match chars.next() {
                        Some((_, e @ ('"' | '\\'))) => content.push(e),
                        _ => return Err(syntax(
                            at,
                            "invalid escape: only \\\" and \\\\ are allowed in a quoted attribute",
                        )),
                    }
                }
                c if is_forbidden(c) => {
                    return Err(syntax(
                        at,
                        format!(
                            "character {} is not allowed in an attribute (control, bidirectional formatting or invisible)",
                            c.escape_unicode()
                        ),
                    ));
                }
                c => content.push(c),
            }
            // Stop early on absurdly long quoted text; the exact bound is applied after
            // normalisation by `Attribute::from_text`.
            if content.len() > 4 * super::MAX_ATTRIBUTE_LEN {
                return Err(AttributeProblem::TooLong.into_error());
            }
        }
        Err(syntax(
            start,
            "unterminated quoted attribute: expected a closing '\"'",
        ))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Result<Vec<(Tok, usize)>> {
        let mut lx = Lexer::new(s);
        let mut out = Vec::new();
        loop {
            let t = lx.next_token()?;
            let end = t.tok == Tok::End;
            out.push((t.tok, t.pos));
            if end {
                return Ok(out);
            }
        }
    }

    fn attr(s: &str) -> Tok {
        Tok::Attr(Attribute::from_text(s).unwrap())
    }

    #[test]
    fn tokens_and_positions() -> Result<()> {
        let t = toks("(a:b)and \"x y\" ,2 of")?;
        assert_eq!(
            t,
            vec![
                (Tok::LParen, 0),
                (attr("a:b"), 1),
                (Tok::RParen, 4),
                (Tok::And, 5),
                (attr("x y"), 9),
                (Tok::Comma, 15),
                (Tok::Number(2), 16),
                (Tok::Of, 18),
                (Tok::End, 20),
            ]
        );
        Ok(())
    }

    #[test]
    fn escapes() -> Result<()> {
        assert_eq!(toks(r#""a\"b\\c""#)?[0].0, attr("a\"b\\c"));
        Ok(())
    }

    fn err_pos(s: &str) -> Option<(usize, String)> {
        match toks(s) {
            Err(Error::PolicySyntax(e)) => Some((e.position, e.message)),
            _ => None,
        }
    }

    #[test]
    fn lexical_errors_have_positions() {
        assert_eq!(err_pos("a:b \"x").map(|e| e.0), Some(4));
        assert_eq!(err_pos("a:b \"\"").map(|e| e.0), Some(4));
        assert_eq!(err_pos("a:b \"x\\n\"").map(|e| e.0), Some(6));
        assert_eq!(err_pos("a:b \"x\ty\"").map(|e| e.0), Some(6));
        assert_eq!(err_pos("a:b AND c:d").map(|e| e.0), Some(4));
        assert!(err_pos("a:b AND c:d").is_some_and(|e| e.1.contains("lowercase")));
        assert_eq!(err_pos("a:b & c:d").map(|e| e.0), Some(4));
        assert_eq!(err_pos("x:y nurse").map(|e| e.0), Some(4));
        assert_eq!(err_pos("02 of").map(|e| e.0), Some(0));
        assert_eq!(err_pos("é").map(|e| e.0), Some(0));
    }

    #[test]
    fn numbers_saturate() -> Result<()> {
        assert_eq!(
            toks("99999999999999999999999999")?[0].0,
            Tok::Number(NUMBER_CAP)
        );
        Ok(())
    }
}
