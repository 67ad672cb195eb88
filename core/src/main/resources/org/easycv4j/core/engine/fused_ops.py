class FusedOps(Module):
  __parameters__ = []
  __buffers__ = []
  training : bool
  def clip(self: __torch__.FusedOps,
    grads: List[Tensor],
    max_norm: float) -> Tensor:
    norms = torch._foreach_norm(grads, 2.0)
    total = torch.linalg_vector_norm(torch.stack(norms), 2.0)
    if max_norm > 0.0:
      coef = torch.clamp(torch.mul(torch.reciprocal(torch.add(total, 1.0e-6)), max_norm), None, 1.0)
      torch._foreach_mul_(grads, coef)
    return total
  def zero(self: __torch__.FusedOps,
    grads: List[Tensor]) -> NoneType:
    torch._foreach_zero_(grads)
    return None
  def unscale(self: __torch__.FusedOps,
    grads: List[Tensor],
    found_inf: Tensor,
    inv_scale: Tensor) -> NoneType:
    torch._amp_foreach_non_finite_check_and_unscale_(grads, found_inf, inv_scale)
    return None
  def update_scale(self: __torch__.FusedOps,
    scale: Tensor,
    growth_tracker: Tensor,
    found_inf: Tensor,
    growth_factor: float,
    backoff_factor: float,
    growth_interval: int) -> Tensor:
    return torch._amp_update_scale_(scale, growth_tracker, found_inf, growth_factor, backoff_factor, growth_interval)
  def clip_prepare(self: __torch__.FusedOps,
    grads: List[Tensor],
    step: Tensor,
    max_norm: float) -> Tuple[Tensor, Tensor, Tensor]:
    norms = torch._foreach_norm(grads, 2.0)
    total = torch.linalg_vector_norm(torch.stack(norms), 2.0)
    finite = torch.isfinite(total).float()
    found_inf = torch.reshape(torch.rsub(finite, 1.0), [1])
    grad_scale = torch.ones_like(found_inf)
    if max_norm > 0.0:
      grad_scale = torch.reshape(torch.clamp(torch.div(torch.add(total, 1.0e-6), max_norm), 1.0, None), [1])
    torch.add_(step, finite)
    return (total, grad_scale, found_inf)
  def adamw_scaled(self: __torch__.FusedOps,
    params: List[Tensor],
    grads: List[Tensor],
    exp_avgs: List[Tensor],
    exp_avg_sqs: List[Tensor],
    steps: List[Tensor],
    lr: float,
    beta1: float,
    beta2: float,
    weight_decay: float,
    eps: float,
    grad_scale: Tensor,
    found_inf: Tensor) -> NoneType:
    torch._fused_adamw_(params, grads, exp_avgs, exp_avg_sqs, [], steps, lr=lr, beta1=beta1, beta2=beta2, weight_decay=weight_decay, eps=eps, amsgrad=False, maximize=False, grad_scale=grad_scale, found_inf=found_inf)
    return None
  def zero_unless_found(self: __torch__.FusedOps,
    grads: List[Tensor],
    found_inf: Tensor) -> NoneType:
    torch._foreach_mul_(grads, torch.reshape(found_inf, []))
    return None
  def flatten(self: __torch__.FusedOps,
    tensors: List[Tensor]) -> Tensor:
    flat = annotate(List[Tensor], [])
    for i in range(torch.len(tensors)):
      flat.append(torch.reshape(torch.detach(tensors[i]), [-1]))
    return torch.cat(flat)
  def unflatten_into(self: __torch__.FusedOps,
    flat: Tensor,
    tensors: List[Tensor],
    scale: float) -> NoneType:
    offset = 0
    for i in range(torch.len(tensors)):
      t = tensors[i]
      n = torch.numel(t)
      part = torch.view(torch.narrow(flat, 0, offset, n), torch.size(t))
      if scale != 1.0:
        part = torch.mul(part, scale)
      # Through a detached alias: the same memory, outside autograd, so parameters can be overwritten too.
      _0 = torch.copy_(torch.detach(t), part)
      offset = offset + n
    return None
