# An example Packer template: bakes fedcred (the .debs from
# packaging/deb/build.sh) and a profile into a Debian 12 image, on Google
# Compute Engine (GCP -> AWS: the VMs read S3 through the s3-reader role) or
# on EC2 (AWS -> GCP). Replace the placeholders, then:
#
#   packaging/deb/build.sh packaging/packer/debs
#   packer build -only='googlecompute.debian12' packaging/packer
#
# The workload's ~/.aws/config then says
#   credential_process = /usr/bin/fedcred aws --profile s3-reader

# With Packer >= 1.7 (HashiCorp's builds), declare the plugins here:
#   packer {
#     required_plugins {
#       googlecompute = { source = "github.com/hashicorp/googlecompute", version = ">= 1.1.0" }
#       amazon        = { source = "github.com/hashicorp/amazon", version = ">= 1.2.0" }
#     }
#   }
# Debian 12's packer (1.6.6, builders built in) rejects that block, and CI
# validates the template with it.

variable "gcp_project_id" {
  type    = string
  default = "my-project" # placeholder
}

variable "gcp_zone" {
  type    = string
  default = "europe-west1-b"
}

variable "aws_region" {
  type    = string
  default = "us-east-1"
}

variable "deb_dir" {
  type        = string
  description = "Directory holding fedcred_*.deb and libfedcred1_*.deb"
  default     = "debs"
}

variable "profile_conf" {
  type    = string
  default = "50-s3-reader.conf"
}

source "googlecompute" "debian12" {
  project_id          = var.gcp_project_id
  zone                = var.gcp_zone
  source_image_family = "debian-12"
  image_name          = "debian-12-fedcred-{{timestamp}}"
  image_family        = "debian-12-fedcred"
  machine_type        = "e2-small"
  ssh_username        = "packer"
}

source "amazon-ebs" "debian12" {
  region        = var.aws_region
  instance_type = "t3.small"
  ssh_username  = "admin"
  ami_name      = "debian-12-fedcred-{{timestamp}}"
  source_ami_filter {
    filters = {
      name                = "debian-12-amd64-*"
      virtualization-type = "hvm"
      root-device-type    = "ebs"
    }
    owners      = ["136693071363"] # Debian
    most_recent = true
  }
}

build {
  sources = ["source.googlecompute.debian12", "source.amazon-ebs.debian12"]

  provisioner "shell" {
    inline = ["mkdir -p /tmp/fedcred"]
  }

  provisioner "file" {
    sources     = [
      "${path.root}/${var.deb_dir}/",
      "${path.root}/${var.profile_conf}",
    ]
    destination = "/tmp/fedcred/"
  }

  provisioner "shell" {
    environment_vars = ["DEBIAN_FRONTEND=noninteractive"]
    execute_command  = "chmod +x {{ .Path }}; sudo -E sh -eu {{ .Path }}"
    inline = [
      "cd /tmp/fedcred",
      "apt-get update",
      "apt-get install -y ./libfedcred1_*.deb ./fedcred_*.deb",
      "install -m 0644 -o root -g root ${var.profile_conf} /etc/fedcred/conf.d/${var.profile_conf}",
      "fedcred version",
      # fedcred serve: the AWS SDKs' container-credentials endpoint on
      # 127.0.0.1:896 (fedcred-serve.socket) for services and containers that cannot run a helper
      # (clients: AWS_CONTAINER_CREDENTIALS_FULL_URI=http://127.0.0.1:896/aws/credentials,
      # AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=/run/fedcred-serve/aws-token, and
      # membership of the group fedcred-serve). The profile comes from profile_conf.
      "printf '[serve]\\naws_profile = s3-reader\\nallow_groups = fedcred-serve\\n' > /etc/fedcred/conf.d/90-serve.conf",
      "chmod 0644 /etc/fedcred/conf.d/90-serve.conf",
      "systemctl enable fedcred-serve.socket",
      "rm -rf /tmp/fedcred",
    ]
  }
}
