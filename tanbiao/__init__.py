"""tanbiao (碳标): knowledge graph of China's industrial carbon-peak / carbon-neutrality standards system."""

__version__ = "0.3.0"
