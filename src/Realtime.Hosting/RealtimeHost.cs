using System;
using System.Collections.Generic;
using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.Reflection;
using Realtime.Core.Components;
using Realtime.Core.Graph;
using Realtime.Core.Profiles;
using Realtime.Core.Timing;
using Realtime.Onnx;
using Realtime.Gpio.Components;
using Realtime.Hosting.Commands;
using Realtime.Linux.Components;
using Realtime.Onnx.Components;
using Realtime.Models.Components;

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
    private RootCommand? _root;
    private long _mainNs;

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
        foreach (var c in new HostCommand[] { new RunCommand(), new CheckCommand(), new BoardsCommand(), new SafeCommand(), new ReplayCommand(), new RecordCommand(), new ServeCommand() })
            _commands.Add(c);
        if (OperatingSystem.IsLinux()) _commands.Add(new BundleCommand());
        // The built-in components of the libraries the host depends on (Vision's are added where OpenCV is: AddDemos).
        Components.AddCoreComponents().AddModelsComponents().AddOnnxComponents().AddGpioComponents().AddLinuxComponents();
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

    /// <summary>
    /// Registers a library's components with <see cref="Components"/> in the same chain as the rest of
    /// <c>Program.cs</c>: <c>.AddComponents(c => c.AddVisionComponents())</c> for the simulated camera
    /// over OpenCV, which the host itself does not take.
    /// </summary>
    public RealtimeHost AddComponents(Action<ComponentRegistry> register)
    {
        ArgumentNullException.ThrowIfNull(register);
        register(Components);
        return this;
    }

    /// <summary>
    /// Registers a component type a profile's <c>app</c> section may name (one class plus this line); a sink says <c>role: NodeRole.Sink</c>,
    /// and a type whose config names files says which (<c>files: ReferencedFile.Fields("path")</c>) so <c>bundle</c> packs them.
    /// </summary>
    public RealtimeHost AddComponent(string type, ComponentFactory factory, string description = "", NodeRole? role = null, FileReferences? files = null)
    {
        Components.Register(type, factory, description, role, files);
        return this;
    }

    /// <summary>
    /// What the application that runs <paramref name="profile"/> needs of it (its
    /// <see cref="IRealtimeApplication.ProfileProblems"/>), for the application
    /// <see cref="ApplicationFor"/> picks. None for a name not registered, which the commands report
    /// themselves. Every command's profile load asks it.
    /// </summary>
    public IReadOnlyList<string> ProfileProblems(BoardProfile profile, string? explicitName = null)
    {
        ArgumentNullException.ThrowIfNull(profile);
        return Choose(profile, explicitName)?.ProfileProblems(profile) ?? Array.Empty<string>();
    }

    /// <summary>
    /// The application a command runs for <paramref name="profile"/> (read from <paramref name="source"/>):
    /// the one <paramref name="explicitName"/> names (the command line's choice), else the one its
    /// <c>demo</c> field names (a registered graph application, such as the face tracker or the voice
    /// relay, runs the profile's <c>app</c> section); a profile whose <c>demo</c> names no registered
    /// application but whose <c>app</c> section has nodes runs that graph under the name
    /// <see cref="GraphApplication.NameFor"/> gives. An unknown name is a profile problem naming <c>demo</c>.
    /// </summary>
    public IRealtimeApplication ApplicationFor(BoardProfile profile, string source, string? explicitName = null)
    {
        ArgumentNullException.ThrowIfNull(profile);
        return Choose(profile, explicitName)
            ?? throw new ProfileException(source, new[] { $"demo: {Applications.Unknown(explicitName ?? profile.Demo)}" });
    }

    // The one rule both of the above follow; null for a name not registered.
    private IRealtimeApplication? Choose(BoardProfile profile, string? explicitName)
    {
        IRealtimeApplication? named = Applications.Find(explicitName ?? profile.Demo);
        if (named is not null || explicitName is not null || !GraphApplication.Composes(profile)) return named;
        return new GraphApplication(Components, GraphApplication.NameFor(profile));
    }

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
        if (FindCommand(command.Name) is not null || command.Name is "help" or "completion") throw new ArgumentException($"a command named '{command.Name}' is already registered", nameof(command));
        _commands.Add(command);
        _root?.Subcommands.Add(Declare(command));
        return this;
    }

    /// <summary>The command named <paramref name="name"/>, or null.</summary>
    public HostCommand? FindCommand(string name)
    {
        foreach (var c in _commands) if (c.Name == name) return c;
        return null;
    }

    /// <summary>
    /// The host's command line as System.CommandLine sees it: its commands with their options,
    /// <c>help</c>, <c>completion</c>, <c>--help</c>, <c>--version</c> and the <c>[suggest]</c>
    /// directive shells complete with. Made once, when first asked for.
    /// </summary>
    public RootCommand CommandLine => _root ??= BuildCommandLine();

    /// <summary>
    /// Runs the command line <paramref name="args"/> and returns the exit code for <c>Main</c> to
    /// return: <see cref="ExitCodes.BadInput"/> with one clear line for a mistake in the arguments or
    /// the profile.
    /// </summary>
    public int Run(string[] args)
    {
        long mainNs = MonotonicClock.NowNs();
        ArgumentNullException.ThrowIfNull(args);
        _mainNs = mainNs;
        Log.Tool = ToolName;
        Log.MarkStandardOutput();
        // Signals belong to the commands (run stops cleanly on SIGINT/SIGTERM), and exceptions to the
        // catch below: System.CommandLine handles neither.
        var invocation = new InvocationConfiguration
        {
            EnableDefaultExceptionHandler = false,
            ProcessTerminationTimeout = null,
            Output = Console.Out,
            Error = Console.Error,
        };
        try
        {
            var parsed = CommandLine.Parse(args, ParserSettings);
            if (parsed.Action is ParseErrorAction) throw new UsageException(UsageErrors.Describe(parsed));
            return parsed.Invoke(invocation);
        }
        catch (UsageException ex)
        {
            Log.Error(null, ex.Message);
            Log.Continue(LogLevel.Error, $"Try '{ToolName} help'.");
            return ExitCodes.BadInput;
        }
        catch (ProfileException ex)
        {
            Log.Error("error", ex.Message);
            return ExitCodes.BadInput;
        }
        catch (ReportNotWrittenException ex)
        {
            Log.Error("error", ex.Message);
            return ExitCodes.ReportNotWritten;
        }
        catch (OnnxRuntimeUnavailableException ex)
        {
            // The commands open outputs at their safe values before a model loads, and close them on the way out.
            Log.Error("error", ex.Message);
            return ExitCodes.Installation;
        }
    }

    /// <summary>
    /// No response files: an argument that starts with '@' is a value (a path, a key=value), never
    /// a file whose words are spliced into the command line.
    /// </summary>
    private static readonly ParserConfiguration ParserSettings = new() { ResponseFileTokenReplacer = null };

    private RootCommand BuildCommandLine()
    {
        var root = new RootCommand($"{ToolName} {Version}: closed-loop edge inference under hard deadlines.") { HelpName = ToolName };
        // --help and -h only (not /h, /? and -?, which would crowd every completion), on every command.
        for (int i = root.Options.Count - 1; i >= 0; i--)
            if (root.Options[i] is HelpOption) root.Options.RemoveAt(i);
        var help = new HelpOption("--help", "-h") { Recursive = true };
        help.Action = new HelpWithNotes(help.Action!, NotesOf);
        root.Options.Add(help);
        foreach (var option in root.Options)
            if (option is VersionOption version) version.Action = new VersionAction(this);
        root.SetAction(p => ShowHelp(null, p.InvocationConfiguration));

        foreach (var c in _commands) root.Subcommands.Add(Declare(c));

        var topic = new Argument<string?>("command") { Description = "The command to explain (all of them when left out).", Arity = ArgumentArity.ZeroOrOne, HelpName = "COMMAND" };
        topic.CompletionSources.Add(_ => CommandNames());
        var helpCommand = new Command("help", $"Prints the help of {ToolName} or of one command (as COMMAND --help does).") { topic };
        helpCommand.SetAction(p =>
        {
            string? name = p.GetValue(topic);
            if (name is not null && FindCommand(name) is null)
                throw new UsageException($"unknown command '{MessageText.Shown(name)}'{(UsageErrors.Nearest(name, CommandNames()) is string near ? $" (did you mean '{near}'?)" : "")}");
            return ShowHelp(name, p.InvocationConfiguration);
        });
        root.Subcommands.Add(helpCommand);

        var shell = new Argument<string?>("shell") { Description = "The shell: bash.", Arity = ArgumentArity.ZeroOrOne, HelpName = "SHELL" };
        shell.CompletionSources.Add("bash");
        var completion = new Command("completion", $"Prints a bash completion script: source <({ToolName} completion bash).") { shell };
        completion.SetAction(p =>
        {
            if (p.GetValue(shell) != "bash") throw new UsageException($"completion takes the shell's name: {ToolName} completion bash");
            p.InvocationConfiguration.Output.Write(BashCompletion());
            return ExitCodes.Ok;
        });
        root.Subcommands.Add(completion);
        return root;
    }

    /// <summary>A host command as System.CommandLine's: its options, its action, and, after <c>--demo</c>, its applications as completions.</summary>
    private Command Declare(HostCommand c)
    {
        var command = new Command(c.Name, c.Description);
        foreach (var option in c.Options)
        {
            if (option.Name == "--demo") option.CompletionSources.Add(_ => Applications.Names);
            command.Options.Add(option);
        }
        foreach (var argument in c.Arguments) command.Arguments.Add(argument);
        command.SetAction(p => c.Execute(this, p, _mainNs));
        return command;
    }

    private List<string> CommandNames()
    {
        var names = new List<string>();
        foreach (var c in _commands) names.Add(c.Name);
        return names;
    }

    /// <summary>The help of the tool (null) or of one command, as <c>--help</c> prints it.</summary>
    private int ShowHelp(string? command, InvocationConfiguration invocation) =>
        CommandLine.Parse(command is null ? new[] { "--help" } : new[] { command, "--help" }, ParserSettings).Invoke(invocation);

    /// <summary>What a command's help says after its options.</summary>
    private string? NotesOf(Command command)
    {
        if (command is RootCommand)
            return $"Applications: {string.Join(", ", Applications.Names)}.\n" + CommonHelp.Replace("{tool}", ToolName, StringComparison.Ordinal);
        return FindCommand(command.Name)?.Notes?.Replace("{tool}", ToolName, StringComparison.Ordinal);
    }

    /// <summary>
    /// A bash completion script for the tool: <c>source &lt;(tool completion bash)</c>. It asks the
    /// tool itself through System.CommandLine's <c>[suggest]</c> directive (the line typed so far
    /// and the cursor's place in it), so it needs nothing else installed.
    /// </summary>
    private string BashCompletion() => $$"""
        # bash completion for {{ToolName}}: source <({{ToolName}} completion bash)
        _{{ToolName.Replace('-', '_')}}_complete() {
            local IFS=$'\n'
            COMPREPLY=($("${COMP_WORDS[0]}" "[suggest:${COMP_POINT}]" "${COMP_LINE}" 2>/dev/null))
        }
        complete -o default -F _{{ToolName.Replace('-', '_')}}_complete {{ToolName}}

        """;

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
