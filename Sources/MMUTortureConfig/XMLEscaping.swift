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
        escape(text, isAllowed: isAllowed) { scalar in
            switch scalar {
            case "&": return "&amp;"
            case "<": return "&lt;"
            case ">": return "&gt;"
            case "\"" where inAttribute: return "&quot;"
            case "'" where inAttribute: return "&apos;"
            case "\n" where inAttribute: return "&#10;"
            case "\r": return "&#13;"  // a raw CR would be normalised away
            case "\t" where inAttribute: return "&#9;"
            default: return nil
            }
        }
    }

    /// `text` with each scalar that `replacement` names replaced, every
    /// other allowed one kept, and the ones not allowed written as a
    /// visible `\xNN`: the escaping of XML here and of HTML
    /// (`HTMLReport.esc`).
    static func escape(_ text: String, isAllowed: (Unicode.Scalar) -> Bool,
                       replacement: (Unicode.Scalar) -> String?) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            if let r = replacement(scalar) {
                out += r
            } else if isAllowed(scalar) {
                out.unicodeScalars.append(scalar)
            } else {
                out += "\\x" + String(scalar.value, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }
}
