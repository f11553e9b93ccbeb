@_exported import PrefabShards
@_exported import PrefabLLM
