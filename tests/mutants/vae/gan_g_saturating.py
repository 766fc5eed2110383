"""Uses the saturating minimax loss log(1 - D(G(z))).

target: gan_generator_loss
hint: saturating
unaffected: reparameterize, kl_divergence, tied_autoencoder, train_linear_autoencoder, corrupt, vae_loss, gan_discriminator_loss
"""

import torch.nn.functional as F


def gan_generator_loss(d_fake_logits):
    return F.logsigmoid(-d_fake_logits).mean()
