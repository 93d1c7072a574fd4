import ArgumentParser
import MMUTortureCore

MMUTortureCommand.main()
