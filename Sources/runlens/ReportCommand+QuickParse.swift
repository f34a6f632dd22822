extension ReportCommand {
  /// The options that take a value, by every spelling `report` accepts.
  private enum ValueOption {
    case junit, jobs, format, output, json, config

    init?(_ name: String) {
      switch name {
      case "--junit": self = .junit
      case "--jobs": self = .jobs
      case "--format": self = .format
      case "-o", "--output": self = .output
      case "--json": self = .json
      case "--config": self = .config
      default: return nil
      }
    }
  }

  /// The arguments of the usual `report` call, read without ArgumentParser's reflection, or
  /// `nil` for anything out of the ordinary (`--help`, `--`, an unknown option, a value
  /// that looks like an option, a repeated single option), which then goes through
  /// ArgumentParser as ever.
  ///
  /// It accepts a subset of what `ReportCommand.parse` accepts and gives the same command;
  /// a test checks this on a list of argument vectors. It saves about a third of the
  /// process's start-up, which matters in the last step of every CI job.
  static func quickParse(_ arguments: [String]) -> ReportCommand? {
    var inputs: [String] = []
    var junit: [String] = []
    var jobs: [String] = []
    var single: [ValueOption: String] = [:]
    var flags = (stepSummary: false, annotations: false, strict: false, failOnTargets: false)
    var index = 0
    while index < arguments.count {
      let argument = arguments[index]
      index += 1
      if argument == "-" || !argument.hasPrefix("-") {
        inputs.append(argument)
        continue
      }
      switch argument {
      case "--step-summary": flags.stepSummary = true
      case "--annotations": flags.annotations = true
      case "--strict": flags.strict = true
      case "--fail-on-targets": flags.failOnTargets = true
      default:
        var name = argument
        var value: String?
        if argument.hasPrefix("--"), let equals = argument.firstIndex(of: "=") {
          name = String(argument[..<equals])
          value = String(argument[argument.index(after: equals)...])
        } else if index < arguments.count, !arguments[index].hasPrefix("-") {
          value = arguments[index]
          index += 1
        }
        guard let option = ValueOption(name), let value, !value.isEmpty, !value.hasPrefix("-")
        else {
          return nil
        }
        switch option {
        case .junit: junit.append(value)
        case .jobs: jobs.append(value)
        default:
          guard single[option] == nil else { return nil }
          single[option] = value
        }
      }
    }
    var format = Format.markdown
    if let text = single[.format] {
      guard let value = Format(rawValue: text) else { return nil }
      format = value
    }
    var command = ReportCommand()
    command.inputs = inputs
    command.junitPaths = junit
    command.jobsPaths = jobs
    command.format = format
    command.output = single[.output]
    command.jsonPath = single[.json]
    command.config = single[.config]
    // The GitHub options are not read here (ArgumentParser reads them), but must be set.
    (command.repo, command.runID, command.attempt) = (nil, nil, nil)
    (command.cacheDir, command.stepsContext) = (nil, nil)
    command.stepSummary = flags.stepSummary
    command.annotations = flags.annotations
    command.strict = flags.strict
    command.failOnTargets = flags.failOnTargets
    return command
  }
}
