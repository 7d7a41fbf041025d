"""The lecture's labs on top of the engine: positive homogeneity, ReLU networks, subgradient
descent and gradient flow, what autodiff libraries return at a kink, the Clarke properties."""
