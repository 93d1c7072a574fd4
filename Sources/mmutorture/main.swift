import ArgumentParser
import MMUTortureCore
#if canImport(Glibc)
import Glibc
#endif

// Exit status per the README: bad usage is 2 (ArgumentParser's own
// default for a usage error would be 64).
do {
    var command = try MMUTortureCommand.parseAsRoot()
    try command.run()
} catch {
    let code = MMUTortureCommand.exitCode(for: error)
    if code == .validationFailure {
        printError(MMUTortureCommand.fullMessage(for: error))
        exit(2)
    }
    MMUTortureCommand.exit(withError: error)
}
