import MMUTortureCore

/// A rule a config breaks: the keys involved (the first is the one to blame
/// when it was set explicitly) and what is wrong.
struct ConfigIssue: Equatable {
    var keyPaths: [String]
    var message: String
}

extension CampaignConfig {
    /// Checks every range and every rule between keys; throws the first
    /// problem as a `ConfigError` naming its key (without a file or line:
    /// `ConfigLoader` adds those for configs read from files).
    ///
    /// Rules between keys:
    /// - more vCPUs than the identification layout can name
    ///   (`fastVCPULimit`) need `allow_slow_vcpus: true`;
    /// - `workload.hot_frames` is at most `guest.frames`;
    /// - a mutant runs under one of the protocols it applies to
    ///   (`MutantInfo.protocols`);
    /// - the paging mode is one the protocol models
    ///   (`ModelledProtocol.pagingModes`: the TDP MMU is TDP only);
    /// - `duration` and `operations` are not both 0;
    /// - with `perturb.probability` above 0, `perturb.points` and
    ///   `perturb.kinds` are not empty;
    /// - `perturb.max_delay` is shorter than `watchdog`.
    public func validate() throws {
        if let issue = issues().first {
            throw ConfigError(keyPath: issue.keyPaths.first, message: issue.message)
        }
    }

    /// Every problem, in the order of the keys; empty for a valid config.
    func issues() -> [ConfigIssue] {
        var result: [ConfigIssue] = []
        for field in ConfigSchema.fields {
            if let message = field.check(self) {
                result.append(ConfigIssue(keyPaths: [field.path], message: message))
            }
        }
        if !result.isEmpty { return result }  // the rules below assume sane ranges

        let layout = identification
        if vcpus > layout.fastVCPULimit && !allowSlowVCPUs {
            result.append(ConfigIssue(
                keyPaths: ["vcpus", "identification"],
                message: "\(vcpus) vCPUs exceed the \(layout.rawValue) identification layout's limit of "
                    + "\(layout.fastVCPULimit) (ids 1...\(layout.maxID)): the vCPUs past it could never take the "
                    + "fast path; use at most \(layout.fastVCPULimit) vCPUs, or set allow_slow_vcpus: true"))
        }
        if workload.hotFrames > guest.frames {
            result.append(ConfigIssue(
                keyPaths: ["workload.hot_frames", "guest.frames"],
                message: "the hot set (\(workload.hotFrames) frames) is larger than the guest "
                    + "(guest.frames: \(guest.frames))"))
        }
        if let info = ProtocolVariants.info(mutant), !info.protocols.contains(self.protocol) {
            let names = info.protocols.map(\.rawValue).joined(separator: " or ")
            result.append(ConfigIssue(
                keyPaths: ["mutant", "protocol"],
                message: "mutant \(mutant.rawValue) breaks protocol \(names), not \(self.protocol.rawValue); "
                    + "run it with protocol: \(info.protocols[0].rawValue)"))
        }
        let modes = ModelledProtocols.type(for: self.protocol).pagingModes
        if !modes.contains(guest.paging) {
            result.append(ConfigIssue(
                keyPaths: ["guest.paging", "protocol"],
                message: "protocol \(self.protocol.rawValue) models paging "
                    + modes.map(\.rawValue).joined(separator: " or ") + ", not \(guest.paging.rawValue)"))
        }
        if duration.isZero && operations == 0 {
            result.append(ConfigIssue(
                keyPaths: ["duration", "operations"],
                message: "duration and operations are both 0, so the run would never stop; "
                    + "set a time budget, an operation budget, or both"))
        }
        if perturb.probability > 0 {
            if perturb.points.isEmpty {
                result.append(ConfigIssue(
                    keyPaths: ["perturb.points"],
                    message: "no points to perturb at; list at least one, or set perturb.probability: 0 "
                        + "to turn perturbation off"))
            }
            if perturb.kinds.isEmpty {
                result.append(ConfigIssue(
                    keyPaths: ["perturb.kinds"],
                    message: "no kinds of perturbation; list at least one of "
                        + PerturbKind.allCases.map(\.rawValue).joined(separator: ", ")
                        + ", or set perturb.probability: 0 to turn perturbation off"))
            }
        }
        if perturb.maxDelay >= watchdog {
            result.append(ConfigIssue(
                keyPaths: ["perturb.max_delay", "watchdog"],
                message: "a perturbation of up to \(perturb.maxDelay) could trip the watchdog (\(watchdog)); "
                    + "make max_delay shorter than the watchdog"))
        }
        return result
    }
}
