using System;

namespace Herald.Cli;

/// <summary>A problem with the command line or its inputs (a missing file, a bad option): printed without a stack trace, exit code 2.</summary>
internal sealed class CliException(string message) : Exception(message);
