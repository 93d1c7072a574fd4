import MMUTortureCore

/// One run of a campaign: a scenario's resolved config at one repeat index,
/// with the seed of that repeat already in `config.seed`.
public struct ResolvedScenario: Equatable, Sendable {
    /// The scenario's name (its config's `name`).
    public var name: String
    /// The file the scenario came from (the campaign file itself for a
    /// single-scenario file, nil for the built-in default).
    public var file: String?
    /// Which repeat this is, 0 ..< `repeatCount`.
    public var repeatIndex: Int
    /// How many times the scenario runs: its factor in `scenarios:` times its `repeat`.
    public var repeatCount: Int
    /// The scenario's master seed; repeat 0 runs with it.
    public var masterSeed: UInt64
    /// The resolved config; its `seed` is `ResolvedScenario.seed(master:repeatIndex:)`.
    public var config: CampaignConfig

    /// A run; `config.seed` is set from `masterSeed` and `repeatIndex`.
    public init(name: String, file: String?, repeatIndex: Int, repeatCount: Int, masterSeed: UInt64,
                config: CampaignConfig) {
        self.name = name
        self.file = file
        self.repeatIndex = repeatIndex
        self.repeatCount = repeatCount
        self.masterSeed = masterSeed
        self.config = config
        self.config.seed = ResolvedScenario.seed(master: masterSeed, repeatIndex: repeatIndex)
    }

    /// The seed of repeat `repeatIndex` of a scenario with master seed
    /// `master`: the master itself for repeat 0, so that `--seed S` on the
    /// command line reproduces the first run exactly.
    public static func seed(master: UInt64, repeatIndex: Int) -> UInt64 {
        repeatIndex == 0 ? master : deriveSeed(master, .repeatSeed, repeatIndex)
    }

    /// The seed this run uses.
    public var seed: UInt64 { config.seed }

    /// "name#repeat", as JUnit and the summary name a run.
    public var label: String { "\(name)#\(repeatIndex)" }
}
