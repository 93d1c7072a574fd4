// The campaign library (the runner, the config-to-parameters mapping, the
// terminal summary) is part of every command's vocabulary.
@_exported import MMUTortureCampaign
