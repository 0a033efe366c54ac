//! One result per input for a batch whose inputs may have failed before the batch (a binding
//! that takes records or their encodings decodes each first): [`align_batch`].

use crate::error::Result;

/// Runs `batch` over the inputs that are `Ok`, in order, and gives one result per input, in
/// the inputs' order: an input's own error, or the batch's result for it. `batch` must give
/// one result per item it is handed (a missing one becomes `DecryptionFailed`, an extra one
/// is dropped); its own error (one for the whole batch) is returned as is.
///
/// The bindings use it for `ReKey.reencryptBatch` and `reencryptBatchWithConsent`, whose
/// records may be objects or encodings that do not decode:
///
/// ```
/// use cipherchart::align_batch;
/// use cipherchart::{EncodingError, Error};
/// let inputs = vec![Ok(1), Err(Error::InvalidEncoding(EncodingError::Truncated)), Ok(3)];
/// let out = align_batch(inputs, |xs: Vec<i32>| Ok(xs.into_iter().map(|x| Ok(x * 10)).collect()))?;
/// assert_eq!(out[0].as_ref().ok(), Some(&10));
/// assert_eq!(out[1].as_ref().err().map(Error::code), Some("invalid_encoding"));
/// assert_eq!(out[2].as_ref().ok(), Some(&30));
/// # Ok::<(), Error>(())
/// ```
///
/// # Errors
///
/// The error `batch` returns for the whole batch.
pub fn align_batch<T, U>(
    inputs: Vec<Result<T>>,
    batch: impl FnOnce(Vec<T>) -> Result<Vec<Result<U>>>,
) -> Result<Vec<Result<U>>> {
    let mut items = Vec::with_capacity(inputs.len());
    let slots: Vec<Option<crate::Error>> = inputs
        .into_iter()
        .map(|input| match input {
            Ok(item) => {
                items.push(item);
                None
            }
            Err(e) => Some(e),
        })
        .collect();
    let mut done = batch(items)?.into_iter();
    Ok(slots
        .into_iter()
        .map(|slot| match slot {
            Some(e) => Err(e),
            None => done.next().unwrap_or(Err(crate::Error::DecryptionFailed)),
        })
        .collect())
}
