"""Returns V(D, G) itself, which the discriminator maximises.

target: gan_discriminator_loss
hint: the sign is flipped
unaffected: reparameterize, kl_divergence, tied_autoencoder, train_linear_autoencoder, corrupt, vae_loss, gan_generator_loss
"""

import torch.nn.functional as F


def gan_discriminator_loss(d_real_logits, d_fake_logits):
    return (F.logsigmoid(d_real_logits) + F.logsigmoid(-d_fake_logits)).mean()
