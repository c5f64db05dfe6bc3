using System;
using System.Collections.Generic;
using System.Reflection;
using Realtime.Core.Components;
using Realtime.Core.Graph;
using Realtime.Core.Profiles;
using Realtime.Core.Timing;
using Realtime.Gpio.Components;
using Realtime.Hosting.Commands;
using Realtime.Linux.Components;
using Realtime.Onnx.Components;

namespace Realtime.Hosting;

/// <summary>
/// The host of one or more closed-loop applications: a whole <c>Program.cs</c> can be
/// <c>return new RealtimeHost("myapp").Add(new MyApplication()).Run(args);</c>, which gives the
/// application <c>run</c>, <c>check</c>, <c>safe</c>, <c>boards</c> and <c>bundle</c>, per-command
/// <c>--help</c> and <c>--version</c>; other libraries add commands (the bench adds <c>bench</c> and
/// <c>profile</c>) through <see cref="AddCommand"/>.
/// </summary>
public sealed class RealtimeHost
{
    private readonly List<HostCommand> _commands = new();

    /// <summary>A host whose command line is called <paramref name="toolName"/> (letters, digits, '-' and '_') in messages, help and completion.</summary>
    public RealtimeHost(string toolName = "rtapp")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(toolName);
        foreach (char c in toolName)
            if (!char.IsAsciiLetterOrDigit(c) && c != '-' && c != '_')
                throw new ArgumentException($"a tool name is letters, digits, '-' and '_' (it names a shell function), got '{toolName}'", nameof(toolName));
        ToolName = toolName;
        var entry = Assembly.GetEntryAssembly() ?? typeof(RealtimeHost).Assembly;
        Version = entry.GetName().Version?.ToString(3) ?? "0.0.0";
        string? informational = entry.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        int plus = informational?.IndexOf('+') ?? -1;
        Commit = plus >= 0 ? informational![(plus + 1)..] : null;
        foreach (var c in new HostCommand[] { new RunCommand(), new CheckCommand(), new BoardsCommand(), new SafeCommand() })
            _commands.Add(c);
        if (OperatingSystem.IsLinux()) _commands.Add(new BundleCommand());
        // The built-in components of the libraries the host depends on (Vision's are added where OpenCV is: AddDemos).
        Components.AddCoreComponents().AddOnnxComponents().AddGpioComponents().AddLinuxComponents();
    }

    /// <summary>The command line's name, as messages and help print it.</summary>
    public string ToolName { get; }

    /// <summary>The entry assembly's version (major.minor.patch), as reports record it.</summary>
    public string Version { get; }

    /// <summary>The source revision the binary was built from (the informational version's suffix), or null when the build did not record one.</summary>
    public string? Commit { get; }

    /// <summary>The registered applications.</summary>
    public ApplicationCatalog Applications { get; } = new();

    /// <summary>
    /// The component types a profile's <c>app</c> section may name: the built-in ones and those
    /// added with <see cref="AddComponent"/>.
    /// </summary>
    public ComponentRegistry Components { get; } = new();

    /// <summary>Registers a component type a profile's <c>app</c> section may name (one class plus this line).</summary>
    public RealtimeHost AddComponent(string type, ComponentFactory factory, string description = "")
    {
        Components.Register(type, factory, description);
        return this;
    }

    /// <summary>
    /// The application a command runs for <paramref name="profile"/> (read from <paramref name="source"/>):
    /// the one <paramref name="explicitName"/> names (the command line's choice), else the profile's own
    /// graph when its <c>app</c> section has nodes, else the application its <c>demo</c> field names.
    /// An unknown name is a profile problem naming <c>demo</c>.
    /// </summary>
    public IRealtimeApplication ApplicationFor(BoardProfile profile, string source, string? explicitName = null)
    {
        ArgumentNullException.ThrowIfNull(profile);
        if (explicitName is null && GraphApplication.Composes(profile)) return _graph ??= new GraphApplication(Components);
        string name = explicitName ?? profile.Demo;
        return Applications.Find(name) ?? throw new ProfileException(source, new[] { $"demo: {Applications.Unknown(name)}" });
    }

    private GraphApplication? _graph;

    /// <summary>The commands, built-in first, in the order added.</summary>
    public IReadOnlyList<HostCommand> Commands => _commands;

    /// <summary>Registers <paramref name="application"/>; the first one added is the default where a profile names none.</summary>
    public RealtimeHost Add(IRealtimeApplication application)
    {
        Applications.Add(application);
        return this;
    }

    /// <summary>Adds a command; a second command of the same name is an error.</summary>
    public RealtimeHost AddCommand(HostCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (FindCommand(command.Name) is not null) throw new ArgumentException($"a command named '{command.Name}' is already registered", nameof(command));
        _commands.Add(command);
        return this;
    }

    /// <summary>The command named <paramref name="name"/>, or null.</summary>
    public HostCommand? FindCommand(string name)
    {
        foreach (var c in _commands) if (c.Name == name) return c;
        return null;
    }

    /// <summary>
    /// Runs the command line <paramref name="args"/> and returns the exit code for <c>Main</c> to
    /// return: <see cref="ExitCodes.BadInput"/> with one clear line for a mistake in the arguments or
    /// the profile.
    /// </summary>
    public int Run(string[] args)
    {
        long mainNs = MonotonicClock.NowNs();
        ArgumentNullException.ThrowIfNull(args);
        try
        {
            string name = args.Length > 0 ? args[0] : "help";
            switch (name)
            {
                case "--version":
                case "version":
                    Console.WriteLine(Commit is null ? $"{ToolName} {Version}" : $"{ToolName} {Version} (commit {Commit})");
                    return ExitCodes.Ok;
                case "complete":
                    // The shell's completion function asks: the words so far, the one being typed last.
                    foreach (string candidate in Complete(args.AsSpan(1))) Console.WriteLine(candidate);
                    return ExitCodes.Ok;
                case "completion":
                    if (args.Length != 2 || args[1] != "bash") throw new UsageException($"completion takes the shell's name: {ToolName} completion bash");
                    Console.Write(BashCompletion());
                    return ExitCodes.Ok;
                case "help":
                case "--help":
                case "-h":
                    if (args.Length > 1 && FindCommand(args[1]) is HostCommand about) PrintHelp(about);
                    else PrintHelp();
                    return ExitCodes.Ok;
            }
            var command = FindCommand(name);
            if (command is null)
            {
                var names = new List<string>();
                foreach (var c in _commands) names.Add(c.Name);
                string? near = CommandArguments.Nearest(name, names);
                throw new UsageException($"unknown command '{name}'{(near is null ? "" : $" (did you mean '{near}'?)")}");
            }
            // --help anywhere after the command asks for that command's help, whatever else is there.
            for (int i = 1; i < args.Length; i++)
                if (args[i] is "--help" or "-h")
                {
                    PrintHelp(command);
                    return ExitCodes.Ok;
                }
            return command.Execute(this, CommandArguments.Parse(args, command.Options), mainNs);
        }
        catch (UsageException ex)
        {
            Console.Error.WriteLine($"{ToolName}: {ex.Message}");
            Console.Error.WriteLine($"Try '{ToolName} help'.");
            return ExitCodes.BadInput;
        }
        catch (ProfileException ex)
        {
            Console.Error.WriteLine($"{ToolName}: error: {ex.Message.Replace("\n", $"\n{ToolName}: error: ", StringComparison.Ordinal)}");
            return ExitCodes.BadInput;
        }
    }

    /// <summary>
    /// What may come next on a command line whose words so far are <paramref name="words"/> (the
    /// last one partly typed, possibly empty): commands, a command's options, applications after
    /// <c>--demo</c>, built-in boards after <c>--board</c>.
    /// </summary>
    public IReadOnlyList<string> Complete(ReadOnlySpan<string> words)
    {
        var found = new List<string>();
        string typed = words.Length == 0 ? "" : words[^1];
        void Offer(string candidate)
        {
            if (candidate.StartsWith(typed, StringComparison.Ordinal)) found.Add(candidate);
        }
        if (words.Length <= 1)
        {
            foreach (var c in _commands) Offer(c.Name);
            foreach (string w in new[] { "help", "completion", "--version", "--help" }) Offer(w);
            return found;
        }
        var command = FindCommand(words[0]);
        if (command is null) return found;
        string previous = words[^2];
        if (previous == "--demo")
            foreach (string name in Applications.Names) Offer(name);
        else if (previous == "--board")
            foreach (string name in ProfileCatalog.Names()) Offer(name);
        else if (previous.StartsWith("--", StringComparison.Ordinal) && command.Options.TryGetValue(previous[2..], out bool takesValue) && takesValue)
            return found; // a value the host cannot guess: the shell completes file names
        else
        {
            foreach (string option in command.Options.Keys) Offer("--" + option);
            Offer("--help");
        }
        found.Sort(StringComparer.Ordinal);
        return found;
    }

    /// <summary>A bash completion script for the tool: <c>source &lt;(tool completion bash)</c>.</summary>
    private string BashCompletion() => $$"""
        # bash completion for {{ToolName}}: source <({{ToolName}} completion bash)
        _{{ToolName.Replace('-', '_')}}_complete() {
            local IFS=$'\n'
            COMPREPLY=($("${COMP_WORDS[0]}" complete "${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null))
        }
        complete -o default -F _{{ToolName.Replace('-', '_')}}_complete {{ToolName}}

        """;

    private void PrintHelp(HostCommand command) =>
        Console.WriteLine(command.Help.Replace("{tool}", ToolName, StringComparison.Ordinal).TrimEnd());

    private void PrintHelp()
    {
        Console.WriteLine($"{ToolName} {Version} — closed-loop edge inference under hard deadlines");
        Console.WriteLine();
        Console.WriteLine("Commands:");
        foreach (var c in _commands) PrintHelp(c);
        Console.WriteLine($"  {ToolName} --version     Prints the version and the commit it was built from.");
        Console.WriteLine($"  {ToolName} help COMMAND  (or {ToolName} COMMAND --help) Prints one command's help.");
        Console.WriteLine($"  {ToolName} completion bash  Prints a bash completion script: source <({ToolName} completion bash)");
        Console.WriteLine();
        Console.WriteLine($"Applications: {string.Join(", ", Applications.Names)}.");
        Console.WriteLine(CommonHelp.Replace("{tool}", ToolName, StringComparison.Ordinal));
    }

    private const string CommonHelp = """

        --set key=value overrides one profile field after inheritance (extends): timing.rate_hz=20,
        pwm[0].chip=1, threads.pipeline.cores=[2]. A profile file may start from another with
        "extends": "rpi5" (a built-in name) or "extends": "../base.json" (a path from its folder).
        A profile's "demos" object holds per-application settings merged over it when --demo chooses one.

        Assets (models, videos) are looked up in --assets DIR, $RTAPP_ASSETS, or a .assets folder
        above the binary or the working folder (./scripts/fetch-assets.sh fills it).
        Exit codes: 0 ok (also a stop by SIGINT/SIGTERM, at any moment), 1 fault (a stage crashed),
          2 bad input; when the profile's watchdog policy is 'exit': 3 deadline misses, 4 stage overrun,
          5 stall, 6 source failure; 7 the run ended well but its report could not be written (the
          summary is printed). The outputs are always driven to their safe state before the report
          is written and the process exits.
        """;
}
