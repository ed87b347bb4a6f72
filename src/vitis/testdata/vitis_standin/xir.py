"""Stand-in for the XIR Python module of Vitis AI, for testing app_mnist.py
without a board.

Graph.deserialize reads a JSON "xmodel" written by the tests instead of a
compiled one: the float weights file, the fix positions and the batch size.
The graph contains an input subgraph (device USER), the DPU subgraphs and an
output subgraph (device CPU), like a compiled MLP.
"""
import json


class Subgraph:
    def __init__(self, name, attrs, children=(), model=None):
        self.name = name
        self._attrs = dict(attrs)
        self._children = list(children)
        self.model = model

    @property
    def is_leaf(self):
        return not self._children

    def toposort_child_subgraph(self):
        return list(self._children)

    def has_attr(self, key):
        return key in self._attrs

    def get_attr(self, key):
        return self._attrs[key]


class Graph:
    def __init__(self, root):
        self._root = root

    @staticmethod
    def deserialize(path):
        with open(path) as handle:
            model = json.load(handle)
        dpu = [
            Subgraph("subgraph_dpu_{}".format(index), {"device": "DPU"}, model=model)
            for index in range(model.get("dpu_subgraphs", 1))
        ]
        children = [Subgraph("subgraph_input", {"device": "USER"})] + dpu + [
            Subgraph("subgraph_output", {"device": "CPU"})
        ]
        return Graph(Subgraph("root", {}, children))

    def get_root_subgraph(self):
        return self._root
