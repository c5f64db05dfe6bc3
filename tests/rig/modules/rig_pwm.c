// SPDX-License-Identifier: GPL-2.0
/*
 * rig_pwm: a PWM chip with no hardware behind it, for the project's qemu rig. It stores the state
 * the PWM core hands it, so user space drives it through the kernel's own sysfs PWM interface
 * (/sys/class/pwm/pwmchipN) exactly as on a board, and the rig reads back what reached the driver
 * through read-only module parameters, which outlive the channel's export:
 *   /sys/module/rig_pwm/parameters/{period_ns,duty_ns,enabled,applies}  (one value per channel)
 */
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/pwm.h>

#define RIG_PWM_CHANNELS 4

static unsigned long period_ns[RIG_PWM_CHANNELS];
static unsigned long duty_ns[RIG_PWM_CHANNELS];
static unsigned int enabled[RIG_PWM_CHANNELS];
static unsigned long applies[RIG_PWM_CHANNELS];
static int nperiod = RIG_PWM_CHANNELS, nduty = RIG_PWM_CHANNELS, nenabled = RIG_PWM_CHANNELS, napplies = RIG_PWM_CHANNELS;
module_param_array(period_ns, ulong, &nperiod, 0444);
MODULE_PARM_DESC(period_ns, "last period applied, per channel (ns)");
module_param_array(duty_ns, ulong, &nduty, 0444);
MODULE_PARM_DESC(duty_ns, "last duty cycle applied, per channel (ns)");
module_param_array(enabled, uint, &nenabled, 0444);
MODULE_PARM_DESC(enabled, "last enable state applied, per channel");
module_param_array(applies, ulong, &napplies, 0444);
MODULE_PARM_DESC(applies, "states the PWM core applied, per channel (it skips unchanged ones)");

static struct platform_device *rig_pdev;
static struct pwm_chip rig_chip;
static DEFINE_SPINLOCK(rig_lock);

static int rig_pwm_apply(struct pwm_chip *chip, struct pwm_device *pwm, const struct pwm_state *state)
{
	unsigned int i = pwm->hwpwm;
	unsigned long flags;

	if (state->polarity != PWM_POLARITY_NORMAL)
		return -EINVAL;
	spin_lock_irqsave(&rig_lock, flags);
	period_ns[i] = state->period;
	duty_ns[i] = state->duty_cycle;
	enabled[i] = state->enabled;
	applies[i]++;
	spin_unlock_irqrestore(&rig_lock, flags);
	return 0;
}

static const struct pwm_ops rig_pwm_ops = {
	.apply = rig_pwm_apply,
	.owner = THIS_MODULE,
};

static int __init rig_pwm_init(void)
{
	int ret;

	rig_pdev = platform_device_register_simple("rig-pwm", PLATFORM_DEVID_NONE, NULL, 0);
	if (IS_ERR(rig_pdev))
		return PTR_ERR(rig_pdev);
	rig_chip.dev = &rig_pdev->dev;
	rig_chip.ops = &rig_pwm_ops;
	rig_chip.npwm = RIG_PWM_CHANNELS;
	ret = pwmchip_add(&rig_chip);
	if (ret) {
		platform_device_unregister(rig_pdev);
		return ret;
	}
	return 0;
}

static void __exit rig_pwm_exit(void)
{
	pwmchip_remove(&rig_chip);
	platform_device_unregister(rig_pdev);
}

module_init(rig_pwm_init);
module_exit(rig_pwm_exit);
MODULE_DESCRIPTION("PWM chip that stores the state it is given (test rig)");
MODULE_LICENSE("GPL");
