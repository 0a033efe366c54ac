//! A one-line progress display on the terminal for work over many files: `[3/120] name`,
//! rewritten in place on standard error. Silent when standard error is not a terminal
//! (scripts, `--json`, the tests).

use std::io::{IsTerminal, Write};

pub struct Progress {
    total: usize,
    done: usize,
    shown: bool,
}

impl Progress {
    pub fn new(total: usize) -> Self {
        Self {
            total,
            done: 0,
            shown: std::io::stderr().is_terminal() && total > 1,
        }
    }

    /// Announces the next item.
    pub fn next(&mut self, name: &str) {
        self.done += 1;
        if self.shown {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K[{}/{}] {name}", self.done, self.total);
            let _ = err.flush();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if self.shown {
            let _ = writeln!(std::io::stderr());
        }
    }
}
