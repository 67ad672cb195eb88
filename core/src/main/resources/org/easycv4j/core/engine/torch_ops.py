class TorchOps(Module):
  __parameters__ = []
  __buffers__ = []
  training : bool
  def sdpa(self: __torch__.TorchOps,
    q: Tensor,
    k: Tensor,
    v: Tensor) -> Tensor:
    return torch.scaled_dot_product_attention(q, k, v)
  def to_bfloat16(self: __torch__.TorchOps,
    x: Tensor) -> Tensor:
    return torch.to(x, 15)
  def to_float32(self: __torch__.TorchOps,
    x: Tensor) -> Tensor:
    return torch.to(x, 6)
  def pinned_to_device(self: __torch__.TorchOps,
    x: Tensor,
    like: Tensor) -> Tensor:
    return torch.to(torch.pin_memory(x), ops.prim.device(like), ops.prim.dtype(x), True)
