/// The two x86 dialects of herd7's litmus format, named by the first word
/// of the file: `X86` (Intel syntax, 32-bit registers: `MOV [x],$1`,
/// `MOV EAX,[y]`) and `X86_64` (AT&T syntax: `movl $1,(x)`, `movl (y),%eax`,
/// conditions on the 64-bit registers `rax`, ...).
public enum HerdDialect: String, Sendable, CaseIterable {
    case x86 = "X86"
    case x86_64 = "X86_64"
}
