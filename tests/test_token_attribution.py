"""Token inputs: every method explains the embeddings, summed per token; axioms hold there."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from nnwidgets.kernels import (
    METHODS,
    Settings,
    attribute_batch,
    default_inputs,
    explain,
)
from nnwidgets.kernels._tokens import OnEmbeddings
from nnwidgets.models import (
    LSTM,
    Dense,
    Embedding,
    PositionalEncoding,
    SequencePool,
    Sequential,
    TransformerBlock,
)

IDS = jnp.array([5.0, 3, 8, 2, 0, 0, 0, 0])


@pytest.fixture(scope="module")
def transformer():
    net = Sequential(
        (8,),
        (
            Embedding(10, 8),
            PositionalEncoding(),
            TransformerBlock(2, 16),
            SequencePool(),
            Dense(3),
        ),
    )
    return net, net.init(jax.random.key(0))


@pytest.fixture(scope="module")
def lstm():
    net = Sequential((8,), (Embedding(10, 6), LSTM(5), Dense(2)))
    return net, net.init(jax.random.key(1))


def target_on_embeddings(net, params, target):
    mask = net.padding_mask(IDS)
    return lambda e: OnEmbeddings(net, mask).logits(params, e)[target]


def test_integrated_gradients_per_token_are_complete_on_the_embeddings(transformer):
    net, params = transformer
    e = explain(
        net,
        params,
        IDS,
        target=1,
        method="integrated_gradients",
        settings=Settings(steps=64, rule="gauss_legendre"),
    )
    assert e.attribution.shape == (8,)
    f = target_on_embeddings(net, params, 1)
    emb = net.embed(params, IDS)
    want = float(f(emb) - f(jnp.zeros_like(emb)))  # the all-padding (zero) baseline
    assert abs(e.attribution.sum() - want) < 1e-3 * max(1.0, abs(want))
    assert abs(e.completeness_gap) < 1e-3
    np.testing.assert_allclose(e.attribution[4:], 0.0, atol=1e-6)  # padding tokens: nothing


def test_saliency_is_the_gradients_length_and_gradient_x_input_its_product_summed(lstm):
    net, params = lstm
    f = target_on_embeddings(net, params, 0)
    emb = net.embed(params, IDS)
    grad = jax.grad(f)(emb)
    sal = explain(net, params, IDS, target=0, method="saliency")
    gxi = explain(net, params, IDS, target=0, method="gradient_x_input")
    np.testing.assert_allclose(sal.attribution, np.linalg.norm(grad, axis=1), atol=1e-6)
    np.testing.assert_allclose(gxi.attribution, (grad * emb).sum(axis=1), atol=1e-6)


def test_occlusion_of_a_token_is_its_removal_to_padding(lstm):
    net, params = lstm
    f = target_on_embeddings(net, params, 1)
    emb = net.embed(params, IDS)
    occ = explain(net, params, IDS, target=1, method="occlusion", settings=Settings(window=(1,)))
    for t in range(4):
        want = f(emb) - f(emb.at[t].set(0.0))
        assert abs(occ.attribution[t] - want) < 1e-5


def test_kernel_shap_over_tokens_is_complete_and_padding_gets_nothing(transformer):
    net, params = transformer
    e = explain(net, params, IDS, target=2, method="kernel_shap", settings=Settings(coalitions=512))
    assert e.attribution.shape == (8,)
    assert abs(e.completeness_gap) < 1e-3
    f = target_on_embeddings(net, params, 2)
    emb = net.embed(params, IDS)
    want = float(f(emb) - f(jnp.zeros_like(emb)))
    assert abs(e.attribution.sum() - want) < 1e-3 * max(1.0, abs(want))
    np.testing.assert_allclose(e.attribution[4:], 0.0, atol=1e-5)


@pytest.mark.parametrize("method", METHODS)
def test_every_method_runs_on_tokens_and_gives_one_value_per_token(transformer, method):
    net, params = transformer
    settings = Settings(steps=8, samples=4, coalitions=64, layer="block_1.mlp")
    if method == "grad_cam":
        with pytest.raises(ValueError, match="grad_cam needs a model with a Conv2D layer"):
            explain(net, params, IDS, method=method, settings=settings)
        return
    e = explain(net, params, IDS, method=method, settings=settings)
    assert e.attribution.shape == (8,) and np.isfinite(e.attribution).all()


def test_batched_token_attribution_equals_one_at_a_time(lstm):
    net, params = lstm
    X = jnp.stack([IDS, jnp.array([1.0, 4, 4, 7, 9, 2, 0, 0])])
    batch = attribute_batch(
        "integrated_gradients", net, params, X, np.array([0, 1]), settings=Settings(steps=16)
    )
    for i in range(2):
        one = explain(
            net,
            params,
            X[i],
            target=i,
            method="integrated_gradients",
            settings=Settings(steps=16),
        )
        np.testing.assert_allclose(batch.attribution[i], one.attribution, atol=1e-5)


def test_a_blurred_baseline_is_refused_for_tokens(lstm):
    net, params = lstm
    with pytest.raises(ValueError, match="baseline: expected 'input' or 'uniform' for a token"):
        explain(net, params, IDS, method="integrated_gradients", settings=Settings(baseline="blur"))


def test_a_padding_baseline_given_as_ids_is_the_zero_embedding(lstm):
    net, params = lstm
    inputs = default_inputs(IDS)  # zero baseline ids = padding
    a = explain(net, params, IDS, 0, inputs, method="integrated_gradients")
    b = explain(
        net,
        params,
        IDS,
        0,
        default_inputs(IDS, baseline=jnp.full(8, 3.0)),
        method="integrated_gradients",
    )
    assert not np.allclose(a.attribution, b.attribution)  # the baseline ids are read
