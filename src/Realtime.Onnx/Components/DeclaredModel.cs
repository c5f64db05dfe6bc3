using System;
using System.Collections.Generic;
using Realtime.Core.Graph;
using Realtime.Core.Profiles;

namespace Realtime.Onnx.Components;

/// <summary>
/// A model a profile's graph declares: an <c>onnx-model</c> node's name, where its config is
/// (<c>app.nodes[2].config</c>, for messages) and the settings a tool reads before anything loads
/// (<c>rtapp check</c> verifies the pinned hash, the bench takes the intra-op threads).
/// </summary>
/// <param name="Node">The node's name.</param>
/// <param name="Field">Its config's field.</param>
/// <param name="Path">The model file as the profile gives it (relative to the assets folder, or absolute).</param>
/// <param name="Sha256">The pinned SHA-256, or null.</param>
/// <param name="IntraOpThreads">ONNX Runtime's intra-op threads (1 when not given).</param>
public readonly record struct DeclaredModel(string Node, string Field, string Path, string? Sha256, int IntraOpThreads)
{
    /// <summary>
    /// Every <c>onnx-model</c> node of <paramref name="app"/>, in declaration order, read from the
    /// configs alone (no model loaded; a config's problems are the node's to report when it is built).
    /// </summary>
    public static List<DeclaredModel> In(AppProfile? app, string fieldPrefix = "app")
    {
        var models = new List<DeclaredModel>();
        if (app is null) return models;
        for (int i = 0; i < app.Nodes.Count; i++)
        {
            var node = app.Nodes[i];
            if (node.Type is not (OnnxModelNode.TypeName or OffloadModel.TypeName)) continue;
            var config = new NodeConfig(node.Config, $"{fieldPrefix}.nodes[{i}].config");
            string path = config.Text("path", "");
            string? sha = config.Has("sha256") ? config.Text("sha256", "") : null;
            models.Add(new DeclaredModel(node.Name, config.Field, path, sha, config.Integer("intra_op_threads", 1, 64, 1)));
        }
        return models;
    }

    /// <summary>The intra-op threads of <paramref name="app"/>'s first model node (1 when it has none): what a bare model is timed with.</summary>
    public static int IntraOpThreadsOf(AppProfile? app)
    {
        var models = In(app);
        return models.Count > 0 ? models[0].IntraOpThreads : 1;
    }
}
