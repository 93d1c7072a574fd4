import ArgumentParser
import MMUTortureConfig
import MMUTortureCore

/// Bad input: one clear message on stderr, exit status 2.
struct UsageFailure: Error, CustomStringConvertible {
    let description: String
}

/// Runs `body`, turning config and file errors into one message and exit 2.
func withInputErrorsReported<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let e as ConfigError {
        printError("mmutorture: \(e)")
        throw ExitCode(2)
    } catch let e as FileWriteError {
        printError("mmutorture: \(e)")
        throw ExitCode(2)
    } catch let e as HerdLitmusError {
        printError("mmutorture: \(e)")
        throw ExitCode(2)
    } catch let e as UsageFailure {
        printError("mmutorture: \(e)")
        throw ExitCode(2)
    }
}

extension DurationSpec: ExpressibleByArgument {}
