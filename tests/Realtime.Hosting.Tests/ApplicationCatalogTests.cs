using System;
using Realtime.Core.Pipeline;
using Realtime.Core.Profiles;
using Realtime.Demos;

namespace Realtime.Hosting.Tests;

public sealed class ApplicationCatalogTests
{
    /// <summary>An application that is only a name: the catalog never builds what it holds.</summary>
    private sealed class Named(string name) : IRealtimeApplication
    {
        public string Name => name;
        public string Description => "named only";
        public IApplicationInstance Build(ApplicationContext context) => throw new InvalidOperationException("not built in these tests");
        public IActuator OpenSafeOutputs(ApplicationContext context) => throw new InvalidOperationException("not opened in these tests");
    }

    [Fact]
    public void ApplicationsAreFoundByNameInTheOrderAdded()
    {
        var catalog = new ApplicationCatalog();
        var demos = DemoApplications.All(new Realtime.Core.Graph.ComponentRegistry());
        foreach (var app in demos) catalog.Add(app);
        catalog.Add(new Named("gate-then-track"));
        Assert.Equal(new[] { "face-tracker", "voice-relay", "line-follower", "gate-then-track" }, catalog.Names);
        Assert.Same(demos[1], catalog.Find("voice-relay"));
        Assert.True(catalog.Has("gate-then-track"));
        Assert.Null(catalog.Find("Face-Tracker"));
    }

    [Fact]
    public void ASecondApplicationOfTheSameNameIsRefused()
    {
        var catalog = new ApplicationCatalog();
        catalog.Add(new Named("tracker"));
        var ex = Assert.Throws<ArgumentException>(() => catalog.Add(new Named("tracker")));
        Assert.Contains("'tracker' is already registered", ex.Message);
        Assert.Single(catalog.All);
    }

    [Theory]
    [InlineData("")]
    [InlineData("two words")]
    [InlineData("-leading-dash")]
    [InlineData("9lives")]
    [InlineData("face-tracker\n[Service]")]
    [InlineData("../etc")]
    public void ANameThatCouldNotBeTypedOrWrittenIntoAUnitIsRefused(string name)
    {
        var catalog = new ApplicationCatalog();
        Assert.Throws<ArgumentException>(() => catalog.Add(new Named(name)));
        Assert.Empty(catalog.Names);
    }

    [Fact]
    public void AnUnknownNameIsShownOnOneLineWithWhatIsAvailable()
    {
        var catalog = new ApplicationCatalog();
        catalog.Add(new Named("tracker"));
        catalog.Add(new Named("relay"));
        Assert.Equal("unknown demo 'juggler\\n[Service]' (available: tracker, relay)", catalog.Unknown("juggler\n[Service]"));
        Assert.Equal("unknown demo 'x' (no application is registered)", new ApplicationCatalog().Unknown("x"));
    }
}
