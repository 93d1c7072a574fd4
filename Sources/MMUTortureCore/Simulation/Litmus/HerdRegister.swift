/// A general-purpose register as an instruction or a condition names it:
/// one of the 16 x86-64 registers (`index`, in the order rax, rbx, rcx,
/// rdx, rsi, rdi, rbp, rsp, r8 ... r15) and the part of it the name covers.
/// `eax`, `rax`, `ax` and `al` are one register at four widths, so a test
/// that writes `%eax` and asks about `1:rax` (herd's X86_64 convention)
/// means the same thing.
public struct HerdRegister: Hashable, Sendable, CustomStringConvertible {
    public let index: Int
    public let width: HerdWidth

    public init(index: Int, width: HerdWidth) {
        self.index = index
        self.width = width
    }

    /// Registers per thread.
    public static let count = 16

    static let quadNames = ["rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp"] + (8...15).map { "r\($0)" }
    static let longNames = ["eax", "ebx", "ecx", "edx", "esi", "edi", "ebp", "esp"] + (8...15).map { "r\($0)d" }
    static let wordNames = ["ax", "bx", "cx", "dx", "si", "di", "bp", "sp"] + (8...15).map { "r\($0)w" }
    static let byteNames = ["al", "bl", "cl", "dl", "sil", "dil", "bpl", "spl"] + (8...15).map { "r\($0)b" }

    static func names(_ width: HerdWidth) -> [String] {
        switch width {
        case .byte: return byteNames
        case .word: return wordNames
        case .long: return longNames
        case .quad: return quadNames
        }
    }

    /// The register `name` denotes (any case, no `%`) in `dialect`: X86 has
    /// the eight 32-bit registers and their 16- and 8-bit parts, X86_64 all
    /// sixteen at every width. The high-byte registers (`ah`) are not
    /// modelled.
    public static func named(_ name: String, dialect: HerdDialect) -> HerdRegister? {
        let lower = name.lowercased()
        for width in HerdWidth.allCases {
            guard let i = names(width).firstIndex(of: lower) else { continue }
            if dialect == .x86 && (width == .quad || i >= 8 || (width == .byte && i >= 4)) { return nil }
            return HerdRegister(index: i, width: width)
        }
        return nil
    }

    /// The canonical (lower-case) name.
    public var description: String { HerdRegister.names(width)[index] }
}
