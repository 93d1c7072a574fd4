/// Escaping for XML 1.0 text and attribute values.
///
/// Besides `&`, `<`, `>`, `"` and `'`, XML 1.0 cannot hold most control
/// characters at all (not even as character references): they are replaced
/// by a visible `\xNN` so the information survives. Tabs and line breaks are
/// kept in text and written as character references in attributes, where a
/// parser would otherwise normalise them to spaces.
enum XMLEscaping {
    /// `text` escaped for element content.
    static func text(_ text: String) -> String {
        escape(text, inAttribute: false)
    }

    /// `text` escaped for a double- or single-quoted attribute value.
    static func attribute(_ text: String) -> String {
        escape(text, inAttribute: true)
    }

    /// Whether XML 1.0 allows the character at all (the `Char` production).
    static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x9, 0xA, 0xD: return true
        case 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: return true
        default: return false
        }
    }

    private static func escape(_ text: String, inAttribute: Bool) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"" where inAttribute: out += "&quot;"
            case "'" where inAttribute: out += "&apos;"
            case "\n" where inAttribute: out += "&#10;"
            case "\r": out += "&#13;"  // a raw CR would be normalised away
            case "\t" where inAttribute: out += "&#9;"
            default:
                if isAllowed(scalar) {
                    out.unicodeScalars.append(scalar)
                } else {
                    out += "\\x" + String(scalar.value, radix: 16, uppercase: true).leftPadded(to: 2)
                }
            }
        }
        return out
    }
}
