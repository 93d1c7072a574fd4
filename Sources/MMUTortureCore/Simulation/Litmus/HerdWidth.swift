/// The size of an access or a register: herd's `I8b`, `I16b`, `I32b`,
/// `I64b`, the AT&T suffixes `b`, `w`, `l`, `q`. A location is one 64-bit
/// word of the simulator, little-endian, so an access of `width` touches
/// its low `width` bytes (the simulator forwards buffered stores byte by
/// byte).
public enum HerdWidth: Int, Sendable, CaseIterable, Comparable {
    case byte = 1, word = 2, long = 4, quad = 8

    /// The bits an access of this width covers.
    public var mask: UInt64 { self == .quad ? ~0 : (1 << UInt64(rawValue * 8)) - 1 }

    /// The AT&T mnemonic suffix.
    public var suffix: Character {
        switch self {
        case .byte: return "b"
        case .word: return "w"
        case .long: return "l"
        case .quad: return "q"
        }
    }

    public init?(suffix: Character) {
        guard let w = HerdWidth.allCases.first(where: { $0.suffix == suffix }) else { return nil }
        self = w
    }

    /// The width of a C type in an initial-state declaration (`uint64_t x;`,
    /// `int x=1;`); herd's default type is `int`, 32 bits.
    public init?(cType: String) {
        switch cType {
        case "char", "int8_t", "uint8_t", "unsigned char", "signed char", "atomic_char": self = .byte
        case "short", "int16_t", "uint16_t", "unsigned short": self = .word
        case "int", "int32_t", "uint32_t", "unsigned", "unsigned int", "atomic_int": self = .long
        case "long", "int64_t", "uint64_t", "unsigned long", "long long", "intptr_t", "uintptr_t", "atomic_long":
            self = .quad
        default: return nil
        }
    }

    /// `value` (the low `rawValue` bytes) read as a signed number of this width.
    public func signed(_ value: UInt64) -> Int64 {
        let shift = UInt64(64 - rawValue * 8)
        return Int64(bitPattern: value << shift) >> Int64(shift)
    }

    public static func < (a: HerdWidth, b: HerdWidth) -> Bool { a.rawValue < b.rawValue }
}
