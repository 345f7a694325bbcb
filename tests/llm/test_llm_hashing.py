import numpy as np

from circuitlab.llm import HashEmbedder


def cos(a, b):
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def test_shapes_and_determinism():
    e = HashEmbedder(dim=32, pooled_tokens=4)
    a, b, empty = e.embed(["module m; endmodule", "module m; endmodule", ""])
    assert a.tokens.shape == (4, 32) and a.vector.shape == (32,)
    assert a.tokens.dtype == np.float32 and a.dim == 32 and a.num_tokens == 4
    np.testing.assert_array_equal(a.tokens, b.tokens)
    np.testing.assert_array_equal(HashEmbedder(dim=32, pooled_tokens=4).embed(["module m; endmodule"])[0].vector, a.vector)
    assert not empty.vector.any() and empty.tokens.shape == (4, 32)


def test_shared_words_are_closer():
    e = HashEmbedder(dim=256)
    x, y, z = (r.vector for r in e.embed([
        "module add(input [7:0] a, b, output [8:0] s); assign s = a + b; endmodule",
        "module add16(input [15:0] a, b, output [16:0] s); assign s = a + b; endmodule",
        "The weather is lovely today and the birds sing."]))
    assert cos(x, y) > cos(x, z) + 0.3
