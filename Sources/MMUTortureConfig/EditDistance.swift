import Foundation

/// Levenshtein distance between two strings (insertions, deletions and
/// substitutions of characters), for "did you mean" suggestions.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
            current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
        }
        swap(&previous, &current)
    }
    return previous[b.count]
}

/// The candidate closest to `word` by edit distance (ignoring case, and `-`
/// versus `_`), if it is close enough to be a plausible typo; failing that,
/// a candidate that `word` starts with or that starts with `word`
/// (`durationation` for `duration`). Words over 64 characters get no
/// suggestion: they are not typos, and the distance is quadratic.
func nearest(to word: String, in candidates: [String]) -> String? {
    func normalized(_ s: String) -> String { s.lowercased().replacingOccurrences(of: "-", with: "_") }
    let target = normalized(word)
    guard target.count <= 64 else { return nil }
    let limit = max(2, target.count / 3)
    var best: (candidate: String, distance: Int)?
    for candidate in candidates {
        let distance = editDistance(target, normalized(candidate))
        if distance <= limit, distance < (best?.distance ?? .max) {
            best = (candidate, distance)
        }
    }
    if let best { return best.candidate }
    return candidates.first { candidate in
        let other = normalized(candidate)
        return min(other.count, target.count) >= 4 && (target.hasPrefix(other) || other.hasPrefix(target))
    }
}
