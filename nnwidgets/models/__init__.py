"""Pure-JAX models: layer specs, parameters, adapters, bundled data sets and weights."""

# first: JAX's CPU dispatch is set before any array exists (JAX reads it when its client starts)
from .. import _runtime as _runtime
from ._adapters import LayerInfo as LayerInfo
from ._adapters import UserModel as UserModel
from ._adapters import adapt as adapt
from ._adapters import kind_of as kind_of
from ._data import DATASETS as DATASETS
from ._data import Dataset as Dataset
from ._data import dataset_from_arrays as dataset_from_arrays
from ._data import load_dataset as load_dataset
from ._layers import ACTIVATIONS as ACTIVATIONS
from ._layers import INITS as INITS
from ._layers import AvgPool2D as AvgPool2D
from ._layers import Conv2D as Conv2D
from ._layers import Dense as Dense
from ._layers import Flatten as Flatten
from ._layers import LayerValues as LayerValues
from ._layers import MaxPool2D as MaxPool2D
from ._layers import Params as Params
from ._layers import Sequential as Sequential
from ._layers import check_params as check_params
from ._param_groups import param_groups as param_groups
from ._param_groups import parameter_arrays as parameter_arrays
from ._pretrained import ARCHITECTURES as ARCHITECTURES
from ._pretrained import BUNDLED_MODELS as BUNDLED_MODELS
from ._pretrained import MODEL_DATASET as MODEL_DATASET
from ._pretrained import Pretrained as Pretrained
from ._pretrained import load_weights as load_weights
from ._pretrained import pretrained as pretrained
from ._pretrained import save_weights as save_weights
from ._pretrained import train as train
from ._sequence_layers import GRU as GRU
from ._sequence_layers import LSTM as LSTM
from ._sequence_layers import Embedding as Embedding
from ._sequence_layers import LayerNorm as LayerNorm
from ._sequence_layers import MultiHeadSelfAttention as MultiHeadSelfAttention
from ._sequence_layers import PositionalEncoding as PositionalEncoding
from ._sequence_layers import SequencePool as SequencePool
from ._sequence_layers import SimpleRNN as SimpleRNN
from ._sequence_layers import TransformerBlock as TransformerBlock
from ._sequences import PAD as PAD
from ._sequences import SEQUENCE_DATASETS as SEQUENCE_DATASETS
from ._sequences import SEQUENCE_LENGTH as SEQUENCE_LENGTH
from ._sequences import UNK as UNK
from ._tap import tap as tap
from ._toy import EXTENT as EXTENT
from ._toy import FEATURES as FEATURES
from ._toy import REGRESSION_SETS as REGRESSION_SETS
from ._toy import TOY_DATASETS as TOY_DATASETS
from ._toy import check_features as check_features
from ._toy import expand_features as expand_features
from ._toy import plane_grid as plane_grid
from ._toy import toy_dataset as toy_dataset
from ._train import accuracy as accuracy
from ._train import cross_entropy as cross_entropy
from ._train import fit as fit
from ._train import logits_cross_entropy as logits_cross_entropy

__all__ = [
    "ACTIVATIONS",
    "ARCHITECTURES",
    "BUNDLED_MODELS",
    "DATASETS",
    "EXTENT",
    "FEATURES",
    "GRU",
    "INITS",
    "LSTM",
    "MODEL_DATASET",
    "PAD",
    "REGRESSION_SETS",
    "SEQUENCE_DATASETS",
    "SEQUENCE_LENGTH",
    "TOY_DATASETS",
    "UNK",
    "AvgPool2D",
    "Conv2D",
    "Dataset",
    "Dense",
    "Embedding",
    "Flatten",
    "LayerInfo",
    "LayerNorm",
    "LayerValues",
    "MaxPool2D",
    "MultiHeadSelfAttention",
    "Params",
    "PositionalEncoding",
    "Pretrained",
    "SequencePool",
    "Sequential",
    "SimpleRNN",
    "TransformerBlock",
    "UserModel",
    "accuracy",
    "adapt",
    "check_features",
    "check_params",
    "cross_entropy",
    "dataset_from_arrays",
    "expand_features",
    "fit",
    "kind_of",
    "load_dataset",
    "load_weights",
    "logits_cross_entropy",
    "param_groups",
    "parameter_arrays",
    "plane_grid",
    "pretrained",
    "save_weights",
    "tap",
    "toy_dataset",
    "train",
]
