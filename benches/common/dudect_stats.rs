//! dudect statistics shared by `benches/ct.rs` and `benches/dudect.rs`.

/// Welch's t statistic of two samples.
pub fn welch_t(a: &[f64], b: &[f64]) -> f64 {
    let stats = |v: &[f64]| {
        let n = v.len() as f64;
        let mean = v.iter().sum::<f64>() / n;
        let var = v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
        (n, mean, var)
    };
    let (na, ma, va) = stats(a);
    let (nb, mb, vb) = stats(b);
    (ma - mb) / (va / na + vb / nb).sqrt()
}

/// The largest |t| over the raw samples and the samples below dudect's crop
/// percentiles (cropping removes the long tail that preemption adds on a busy machine),
/// with the crop that gave it.
pub fn max_abs_t(samples: &[(bool, f64)]) -> (f64, f64) {
    let mut sorted: Vec<f64> = samples.iter().map(|s| s.1).collect();
    sorted.sort_by(|a, b| a.total_cmp(b));
    let mut best = (0.0f64, 100.0);
    for pct in [100.0, 99.0, 90.0, 75.0, 50.0] {
        let idx = ((sorted.len() as f64) * pct / 100.0) as usize;
        let cut = sorted[idx.min(sorted.len() - 1)];
        let class = |c: bool| -> Vec<f64> {
            samples
                .iter()
                .filter(|s| s.0 == c && s.1 <= cut)
                .map(|s| s.1)
                .collect()
        };
        let (fixed, random) = (class(true), class(false));
        if fixed.len() > 10 && random.len() > 10 {
            let t = welch_t(&fixed, &random).abs();
            if t > best.0 {
                best = (t, pct);
            }
        }
    }
    best
}
