/// Small text helpers for messages and YAML output.

/// Keeps a value short and printable for an error message.
func shortened(_ text: String, limit: Int = 40) -> String {
    var out = ""
    for scalar in text.unicodeScalars {
        if out.count >= limit { out += "…"; break }
        if scalar.value < 0x20 || scalar.value == 0x7F {
            out += "\\x" + String(scalar.value, radix: 16, uppercase: true).leftPadded(to: 2)
        } else {
            out.unicodeScalars.append(scalar)
        }
    }
    return out
}

/// `text` as a YAML scalar that reads back as the same string: plain when
/// that is unambiguous, otherwise double-quoted with escapes.
func yamlQuoted(_ text: String) -> String {
    let plainSafe = !text.isEmpty
        && text.unicodeScalars.allSatisfy { scalar in
            (scalar.properties.isAlphabetic && scalar.isASCII) || ("0"..."9").contains(scalar)
                || "-_./".unicodeScalars.contains(scalar)
        }
        && !["-", ".", "~", "null", "true", "false", "yes", "no", "on", "off"].contains(text.lowercased())
        && !text.hasPrefix("-")
    if plainSafe { return text }
    var out = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\t": out += "\\t"
        case "\r": out += "\\r"
        default:
            if scalar.value < 0x20 || scalar.value == 0x7F {
                out += "\\x" + String(scalar.value, radix: 16, uppercase: true).leftPadded(to: 2)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
    }
    return out + "\""
}

extension String {
    /// The string with zeros added in front up to `width` characters.
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}

extension Character {
    /// An ASCII digit 0-9 (not any Unicode digit, which `isNumber` accepts).
    var isASCIIDigit: Bool { isASCII && isWholeNumber }
}
